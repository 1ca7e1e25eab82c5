namespace QuickStart.Tour;

/// <summary>The tour's console output: a heading per section, then indented lines.</summary>
internal static class Output
{
    public static void Heading(string title, string explanation)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title} ==");
        Console.WriteLine($"   {explanation}");
    }

    public static void Line(string text) => Console.WriteLine($"   {text}");

    /// <summary>Milliseconds with one decimal: loop time and real time both print this way.</summary>
    public static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0.0} ms";
}
