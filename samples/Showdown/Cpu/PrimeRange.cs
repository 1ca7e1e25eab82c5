namespace Showdown.Cpu;

/// <summary>The numbers from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive): one chunk of CPU work.</summary>
internal sealed record PrimeRange(int Start, int End)
{
    /// <summary>Splits [0, limit) into <paramref name="chunks"/> ranges of equal length (the last takes the rest).</summary>
    public static IReadOnlyList<PrimeRange> Split(int limit, int chunks)
    {
        var size = limit / chunks;
        return Enumerable.Range(0, chunks)
            .Select(i => new PrimeRange(i * size, i == chunks - 1 ? limit : (i + 1) * size))
            .ToArray();
    }
}
