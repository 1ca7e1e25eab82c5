namespace Showdown.Cpu;

/// <summary>
/// Trial division, on purpose: it is pure CPU (no memory traffic, no I/O, no allocation), so the only way to make it
/// faster is more cores working at once.
/// </summary>
internal static class Primes
{
    public static bool IsPrime(int n)
    {
        if (n < 2)
        {
            return false;
        }

        if (n % 2 == 0)
        {
            return n == 2;
        }

        for (var d = 3; d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    public static int Count(PrimeRange range) => Count(range.Start, range.End);

    public static int Count(int start, int end)
    {
        var count = 0;
        for (var n = start; n < end; n++)
        {
            if (IsPrime(n))
            {
                count++;
            }
        }

        return count;
    }
}
