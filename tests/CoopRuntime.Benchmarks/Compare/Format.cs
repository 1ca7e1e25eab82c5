using System.Globalization;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>Number formatting for the tables: invariant culture, so reports read the same on every machine.</summary>
internal static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Time(TimeSpan time) => time.TotalMilliseconds switch
    {
        >= 100 => time.TotalMilliseconds.ToString("0", Invariant) + " ms",
        >= 10 => time.TotalMilliseconds.ToString("0.0", Invariant) + " ms",
        _ => time.TotalMilliseconds.ToString("0.00", Invariant) + " ms",
    };

    public static string Bytes(double bytes) => Math.Abs(bytes) switch
    {
        >= 1 << 30 => (bytes / (1 << 30)).ToString("0.00", Invariant) + " GiB",
        >= 1 << 20 => (bytes / (1 << 20)).ToString("0.0", Invariant) + " MiB",
        >= 1 << 10 => (bytes / (1 << 10)).ToString("0.0", Invariant) + " KiB",
        _ => bytes.ToString("0", Invariant) + " B",
    };

    /// <summary>Bytes per operation keep one decimal: the difference between 0 and 0.3 B/op is the point of some rows.</summary>
    public static string BytesPerOp(double bytes) => bytes switch
    {
        0 => "0 B",
        _ when Math.Abs(bytes) < 10 => bytes.ToString("0.00", Invariant) + " B",
        _ => bytes.ToString("0.0", Invariant) + " B",
    };

    public static string Nanoseconds(double nanoseconds) => nanoseconds.ToString(nanoseconds >= 100 ? "0" : "0.0", Invariant) + " ns";

    public static string KibAsBytes(long kib) => Bytes(kib * 1024.0);

    public static string Ratio(double ratio) => ratio.ToString(ratio >= 10 ? "0.0" : "0.00", Invariant) + "×";

    public static string Count(double count) => count.ToString("0", Invariant);

    public static string Number(long value) => value.ToString("N0", Invariant);
}
