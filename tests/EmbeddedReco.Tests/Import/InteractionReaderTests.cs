using EmbeddedReco.Import;
using EmbeddedReco.Tests.Infrastructure;

namespace EmbeddedReco.Tests.Import;

public sealed class InteractionReaderTests
{
    private static (List<Interaction> Items, ImportResult Result) Read(string text, InteractionImportOptions? options = null)
    {
        var list = new List<Interaction>();
        var result = InteractionReader.Read(new StringReader(text), list.Add, options);
        return (list, result);
    }

    [Fact]
    public void Read_MovieLensRatingsCsv_HeaderDetectedAndTimestampsParsed()
    {
        const string text = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n";

        var (items, result) = Read(text);

        Assert.True(result.HasHeader);
        Assert.Equal(',', result.Separator);
        Assert.Equal(2, result.Imported);
        Assert.Equal(0, result.Malformed);
        Assert.Equal(new Interaction("1", "1", InteractionKind.Rating, 4.0, DateTimeOffset.FromUnixTimeSeconds(964982703)), items[0]);
        Assert.Equal(4.5, items[1].Value);
    }

    [Fact]
    public void Read_MovieLensUDataTabs_NoHeaderDetected()
    {
        const string text = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n";

        var (items, result) = Read(text);

        Assert.False(result.HasHeader);
        Assert.Equal('\t', result.Separator);
        Assert.Equal(2, items.Count);
        Assert.Equal("196", items[0].UserId);
        Assert.Equal("242", items[0].ItemId);
    }

    [Fact]
    public void Read_TwoColumnsWithoutValue_ValueOneAndNoTimestamp()
    {
        var (items, result) = Read("alice,sword\nbob,shield\n", new InteractionImportOptions { Mapping = InteractionValueMapping.Always(InteractionKind.Click) });

        Assert.False(result.HasHeader);
        Assert.Equal(2, result.Imported);
        Assert.Equal(new Interaction("alice", "sword", InteractionKind.Click, 1, null), items[0]);
    }

    [Fact]
    public void Read_TwoColumnHeader_Detected()
    {
        var (items, result) = Read("userId;itemId\np1;g1\n");

        Assert.True(result.HasHeader);
        Assert.Equal(';', result.Separator);
        Assert.Single(items);
    }

    [Fact]
    public void Read_IsoTimestamp_Parsed()
    {
        var (items, _) = Read("u,i,1,2026-01-02T03:04:05Z\n");

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), items[0].Timestamp);
    }

    [Fact]
    public void Read_LikeThreshold_LowValuesIgnoredNotMalformed()
    {
        var options = new InteractionImportOptions { Mapping = InteractionValueMapping.LikeAtOrAbove(4) };

        var (items, result) = Read("u,a,5\nu,b,3.5\nu,c,4\n", options);

        Assert.Equal(new[] { "a", "c" }, items.Select(i => i.ItemId));
        Assert.All(items, i => Assert.Equal(InteractionKind.Like, i.Kind));
        Assert.Equal(1, result.Ignored);
        Assert.Equal(0, result.Malformed);
    }

    [Fact]
    public void Read_MalformedLines_CountedWithLineNumbers()
    {
        const string text =
            "userId,movieId,rating,timestamp\n" + // 1
            "1,1,4.0,964982703\n" +                // 2
            "1,2\u00a0,abc,964982703\n" +          // 3 bad value
            "\n" +                                 // 4 blank: ignored
            "1\n" +                                // 5 too few fields
            "1,3,4,5,6\n" +                        // 6 too many
            "1,4,4,yesterday\n" +                  // 7 bad timestamp
            ",5,4,1\n" +                           // 8 empty user
            "1,\"6,3,1\n" +                        // 9 unterminated quote
            "1,7,NaN,1\n" +                        // 10 non-finite
            "2,\"a, b\",3,1\n";                    // 11 quoted id with comma: fine

        var (items, result) = Read(text);

        Assert.Equal(2, result.Imported);
        Assert.Equal("a, b", items[1].ItemId);
        Assert.Equal(7, result.Malformed);
        Assert.Equal(1, result.Ignored);
        Assert.Equal(11, result.Lines);
        Assert.Equal(new long[] { 3, 5, 6, 7, 8, 9, 10 }, result.Errors.Select(e => e.Line));
        Assert.Contains("not a finite number", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("expected 2 to 4 fields", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("timestamp", result.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("user id is empty", result.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("unterminated", result.Errors[5].Message, StringComparison.Ordinal);
        Assert.Contains("line 3:", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValuesOutsideTheEngineBounds_CountedAsMalformed()
    {
        var (ratings, ratingResult) = Read("u,a,5000\nu,b,-1\nu,c,4\n", new InteractionImportOptions { HasHeader = false });
        var (plays, playResult) = Read(
            "u,a,700000\nu,b,600\n",
            new InteractionImportOptions { HasHeader = false, Mapping = InteractionValueMapping.Always(InteractionKind.Play) });

        Assert.Equal(new[] { "c" }, ratings.Select(i => i.ItemId));
        Assert.Equal(2, ratingResult.Malformed);
        Assert.Contains("outside 0 to 1000", ratingResult.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "b" }, plays.Select(i => i.ItemId));
        Assert.Contains("outside 0 to 604800", playResult.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ManyMalformedLines_AllCountedFirstHundredKept()
    {
        var text = string.Concat(Enumerable.Repeat("only-one-field\n", 250));

        var (_, result) = Read(text, new InteractionImportOptions { HasHeader = false });

        Assert.Equal(250, result.Malformed);
        Assert.Equal(ImportResult.MaxErrorsKept, result.Errors.Count);
        Assert.Contains("and 150 more", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_WithProgress_ReportsCompletion()
    {
        using var folder = new TempFolder();
        string path = folder.File("ratings.csv");
        File.WriteAllText(path, "userId,movieId,rating,timestamp\n" + string.Concat(Enumerable.Range(0, 40000).Select(i => $"{i % 50},{i},3,{i}\n")));
        var reports = new List<double>();
        var list = new List<Interaction>();

        var result = InteractionReader.ReadFile(path, list.Add, null, new SyncProgress(reports));

        Assert.Equal(40000, result.Imported);
        Assert.True(reports.Count >= 2);
        Assert.Equal(1.0, reports[^1]);
    }

    [Fact]
    public void Read_CustomMapping_UsesKindFunction()
    {
        var mapping = InteractionValueMapping.Custom("dislike below 2", v => v < 2 ? InteractionKind.Dislike : InteractionKind.Like);

        var (items, _) = Read("u,a,1\nu,b,5\n", new InteractionImportOptions { Mapping = mapping });

        Assert.Equal(new[] { InteractionKind.Dislike, InteractionKind.Like }, items.Select(i => i.Kind));
        Assert.Equal("dislike below 2", mapping.ToString());
    }

    internal sealed class SyncProgress : IProgress<double>
    {
        private readonly List<double> sink;

        public SyncProgress(List<double> sink) => this.sink = sink;

        public void Report(double value) => sink.Add(value);
    }
}
