using EmbeddedReco.Diagnostics;

namespace EmbeddedReco.Tests.Diagnostics;

public class GuardTests
{
    // UTF-16 units as numbers: xunit's theory serialization would replace a lone surrogate inside a string literal.
    [Theory]
    [InlineData(new int[] { 'a', 0xD800, 'b' }, 1)]  // high surrogate followed by a letter
    [InlineData(new int[] { 'a', 'b', 0xDC00 }, 2)]  // low surrogate without a high one
    [InlineData(new int[] { 'a', 'b', 'c', 0xD83D }, 3)] // high surrogate at the end
    [InlineData(new int[] { 0xDE00, 0xD83D }, 0)]    // a pair in the wrong order
    public void Id_UnpairedSurrogate_ThrowsNamingItsPosition(int[] units, int position)
    {
        string id = new string(units.Select(u => (char)u).ToArray());

        var ex = Assert.Throws<ArgumentException>(() => Guard.Id(id, "id", 256, "item"));

        Assert.Contains("unpaired UTF-16 surrogate", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"at index {position}", ex.Message, StringComparison.Ordinal);
        Assert.Equal("id", ex.ParamName);
    }

    [Theory]
    [InlineData("x", 1)]
    [InlineData("\u00e9", 2)]          // é
    [InlineData("\u20ac", 3)]          // €
    [InlineData("\uD83D\uDE00", 4)]    // 😀, a surrogate pair
    [InlineData("a\u00e9\u20ac\uD83D\uDE00", 10)]
    public void Inspect_WellFormed_CountsUtf8BytesExactly(string value, int bytes)
    {
        Assert.Equal(bytes, System.Text.Encoding.UTF8.GetByteCount(value));
        Assert.Equal(TextProblem.None, Guard.Inspect(value, bytes, out _));
        Assert.Equal(TextProblem.TooLong, Guard.Inspect(value, bytes - 1, out _));
    }

    [Fact]
    public void Id_SixtyFiveEmoji_ThrowsWithExactByteCount()
    {
        string id = string.Concat(Enumerable.Repeat("\uD83D\uDE00", 65));

        var ex = Assert.Throws<ArgumentException>(() => Guard.Id(id, "id", 256, "user"));

        Assert.Contains("260 UTF-8 bytes", ex.Message, StringComparison.Ordinal);
        Guard.Id(string.Concat(Enumerable.Repeat("\uD83D\uDE00", 64)), "id", 256, "user");
    }

    [Fact]
    public void Id_WellFormedNonAscii_AllocatesNothing()
    {
        string id = "spieler-\u00fc\u20ac\uD83D\uDE00-" + new string('\u00e9', 60);
        Guard.Id(id, "id", 256, "user");

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Guard.Id(id, "id", 256, "user");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
