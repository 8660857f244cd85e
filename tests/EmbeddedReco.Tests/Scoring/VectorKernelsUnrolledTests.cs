using EmbeddedReco.Scoring;

namespace EmbeddedReco.Tests.Scoring;

/// <summary>The scalar kernel used on runtimes without hardware vectors (classic Mono, IL2CPP), against the double-precision reference.</summary>
public class VectorKernelsUnrolledTests
{
    private const int Rows = 13;

    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 257).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotRowsUnrolled_EveryLength_MatchesScalarReference(int dims)
    {
        var rng = new Random(2000 + dims);
        var m = new float[Rows * dims];
        var q = new float[dims];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < q.Length; i++)
        {
            q[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var expected = new float[Rows];
        VectorKernels.DotRowsScalar(m, dims, q, expected);
        var actual = new float[Rows];
        VectorKernels.DotRowsUnrolled(m, dims, q, actual);

        for (int r = 0; r < Rows; r++)
        {
            float tol = 1e-5f * Math.Max(1f, MathF.Sqrt(dims)) * Math.Max(1f, Math.Abs(expected[r]));
            Assert.True(Math.Abs(expected[r] - actual[r]) <= tol, $"dims {dims} row {r}: {expected[r]} vs {actual[r]}");
        }
    }

    [Fact]
    public void DotRowsUnrolled_NoRows_WritesNothing()
    {
        VectorKernels.DotRowsUnrolled(ReadOnlySpan<float>.Empty, 4, new float[4], Span<float>.Empty);
    }
}
