using System.Globalization;

namespace Showdown.Report;

/// <summary>Number formats shared by the console, Markdown and JSON reports.</summary>
internal static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Duration(TimeSpan time) => time.TotalSeconds < 1
        ? string.Create(Culture, $"{time.TotalMilliseconds:N0} ms")
        : string.Create(Culture, $"{time.TotalSeconds:N2} s");

    public static string Times(double factor) => factor < 0.1
        ? string.Create(Culture, $"{factor:N2}×")
        : string.Create(Culture, $"{factor:N1}×");

    public static string Rate(double perSecond) => string.Create(Culture, $"{perSecond:N0}/s");

    public static string Count(long count) => string.Create(Culture, $"{count:N0}");

    /// <summary>"1 thread", "3 threads".</summary>
    public static string Count(long count, string singular) => $"{Count(count)} {(count == 1 ? singular : singular + "s")}";

    public static string Megabytes(double megabytes) => string.Create(Culture, $"{megabytes:N0} MB");

    public static string Decimal(double value, int digits = 1) => value.ToString("N" + digits, Culture);
}
