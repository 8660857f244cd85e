using EmbeddedReco.Import;

namespace EmbeddedReco.Tests.Import;

public sealed class ItemFeatureReaderTests
{
    [Fact]
    public void ReadMovieLensMovies_QuotedTitlesAndGenres_MultiHotOverSortedVocabulary()
    {
        const string text =
            "movieId,title,genres\n" +
            "1,Toy Story (1995),Adventure|Animation|Children\n" +
            "11,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
            "12,\"Dracula: Dead and Loving It \"\"Uncut\"\" (1995)\",Comedy|Horror\n" +
            "99,Nothing (2020),(no genres listed)\n";

        var import = ItemFeatureReader.ReadMovieLensMovies(new StringReader(text));

        Assert.Equal(new[] { "Adventure", "Animation", "Children", "Comedy", "Drama", "Horror", "Romance" }, import.FeatureNames);
        Assert.Equal(4, import.Items.Count);
        Assert.Equal(0, import.Result.Malformed);
        Assert.True(import.Result.HasHeader);
        Assert.Equal("American President, The (1995)", import.Titles["11"]);
        Assert.Equal("Dracula: Dead and Loving It \"Uncut\" (1995)", import.Titles["12"]);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 0, 1 }, import.Items[1].Features.ToArray());
        Assert.Equal(new[] { "Comedy", "Drama", "Romance" }, import.Items[1].Tags);
        Assert.Equal(new float[7], import.Items[3].Features.ToArray());
        Assert.Empty(import.Items[3].Tags);
    }

    [Fact]
    public void ReadMovieLensMovies_MalformedAndDuplicateLines_ReportedWithLineNumbers()
    {
        const string text =
            "movieId,title,genres\n" +
            "1,Toy Story (1995),Comedy\n" +
            "2,Title, with comma unquoted,Drama\n" +
            "1,Again,Drama\n" +
            "3,\"Unterminated,Drama\n" +
            ",No id,Drama\n";

        var import = ItemFeatureReader.ReadMovieLensMovies(new StringReader(text));

        Assert.Single(import.Items);
        Assert.Equal(4, import.Result.Malformed);
        Assert.Equal(new long[] { 3, 4, 5, 6 }, import.Result.Errors.Select(e => e.Line));
        Assert.Contains("duplicate id '1' (first on line 2)", import.Result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFeatureCsv_WithHeader_NamesFromHeader()
    {
        var import = ItemFeatureReader.ReadFeatureCsv(new StringReader("id,speed,power\nkart,0.9,0.1\ntruck,0.2,1e0\n"));

        Assert.True(import.Result.HasHeader);
        Assert.Equal(new[] { "speed", "power" }, import.FeatureNames);
        Assert.Equal(new[] { 0.2f, 1f }, import.Items[1].Features.ToArray());
    }

    [Fact]
    public void ReadFeatureCsv_TabsWithoutHeader_GeneratedNamesAndErrors()
    {
        const string text = "a\t1\t2\nb\t3\nc\t1\tx\nd\t4\t5\na\t0\t0\n";

        var import = ItemFeatureReader.ReadFeatureCsv(new StringReader(text));

        Assert.False(import.Result.HasHeader);
        Assert.Equal('\t', import.Result.Separator);
        Assert.Equal(new[] { "f1", "f2" }, import.FeatureNames);
        Assert.Equal(new[] { "a", "d" }, import.Items.Select(i => i.Id));
        Assert.Equal(new long[] { 2, 3, 5 }, import.Result.Errors.Select(e => e.Line));
        Assert.Contains("expected 2 features but found 1", import.Result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("not a finite number", import.Result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("duplicate", import.Result.Errors[2].Message, StringComparison.Ordinal);
    }
}
