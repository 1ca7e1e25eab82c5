namespace KvServer;

/// <summary>
/// Redis's glob matching for KEYS and CONFIG GET: <c>*</c> any run of bytes, <c>?</c> one byte, <c>[abc]</c>,
/// <c>[^abc]</c> and <c>[a-z]</c> one byte of a set, <c>\x</c> the byte x literally. Case-sensitive, on bytes.
/// </summary>
/// <remarks>
/// Iterative with one backtracking point (the last <c>*</c>), so a pattern such as <c>*a*a*a*a*b</c> costs
/// O(pattern × text) rather than the exponential time of naive recursion.
/// </remarks>
public static class GlobPattern
{
    /// <summary>True if <paramref name="text"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        int p = 0, t = 0;
        int starPattern = -1, starText = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                var symbol = pattern[p];
                if (symbol == (byte)'*')
                {
                    // Collapse runs of stars; remember where to come back to if the rest fails to match.
                    while (p < pattern.Length && pattern[p] == (byte)'*')
                    {
                        p++;
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }

                    starPattern = p;
                    starText = t;
                    continue;
                }

                if (MatchOne(pattern, ref p, text[t]))
                {
                    t++;
                    continue;
                }
            }

            if (starPattern < 0)
            {
                return false;
            }

            // Let the last star swallow one more byte and try again from just after it.
            p = starPattern;
            t = ++starText;
        }

        while (p < pattern.Length && pattern[p] == (byte)'*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches one pattern element (not a star) at <paramref name="p"/> against one byte; moves past it on success.</summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, ref int p, byte value)
    {
        var symbol = pattern[p];
        switch (symbol)
        {
            case (byte)'?':
                p++;
                return true;
            case (byte)'\\' when p + 1 < pattern.Length:
                if (pattern[p + 1] != value)
                {
                    return false;
                }

                p += 2;
                return true;
            case (byte)'[':
                return MatchClass(pattern, ref p, value);
            default:
                if (symbol != value)
                {
                    return false;
                }

                p++;
                return true;
        }
    }

    private static bool MatchClass(ReadOnlySpan<byte> pattern, ref int p, byte value)
    {
        var i = p + 1;
        var negate = i < pattern.Length && pattern[i] == (byte)'^';
        if (negate)
        {
            i++;
        }

        var matched = false;
        while (i < pattern.Length && pattern[i] != (byte)']')
        {
            if (pattern[i] == (byte)'\\' && i + 1 < pattern.Length)
            {
                matched |= pattern[i + 1] == value;
                i += 2;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == (byte)'-' && pattern[i + 2] != (byte)']')
            {
                var (low, high) = pattern[i] <= pattern[i + 2] ? (pattern[i], pattern[i + 2]) : (pattern[i + 2], pattern[i]);
                matched |= value >= low && value <= high;
                i += 3;
            }
            else
            {
                matched |= pattern[i] == value;
                i++;
            }
        }

        // An unterminated class ends at the pattern's end, as in Redis.
        p = i < pattern.Length ? i + 1 : i;
        return matched != negate;
    }
}
