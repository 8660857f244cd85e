namespace EmbeddedReco;

/// <summary>
/// How the engine scans the catalog for content similarity (<see cref="RecoEngineOptions.Precision"/>). Either way the returned
/// list is ranked by exact float32 similarity: the int8 scan only chooses the candidates, which are then rescored in float32.
/// </summary>
public enum ScoringPrecision
{
    /// <summary>
    /// Rows quantized to int8 with a per-row scale, kept beside the float32 rows (+25 % catalog memory: 64 dims = 68 extra bytes
    /// per item), scanned with the widest integer dot product the machine has (AVX-512, AVX2, 128-bit on ARM64, scalar elsewhere);
    /// the best candidates are rescored in float32. About 4x less memory traffic per call; top-10 overlap with an exact float32
    /// ranking at least 99.5 % (docs/PERFORMANCE.md). The reported content score of a row differs from its float32 value by
    /// less than 1e-3 only through the catalog-wide range (the min-max normalization), which the int8 scan measures.
    /// </summary>
    Int8 = 0,

    /// <summary>Every row scored in float32 (SIMD). Bit-for-bit the engine's scores before int8 existed; 4x the memory traffic.</summary>
    Float32 = 1,
}
