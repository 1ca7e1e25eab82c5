using System.Text.RegularExpressions;

namespace CoopRuntime.Tests.Support;

/// <summary>
/// Keeps a guide's code blocks and the tests that run them identical: a test marks each example with
/// <c>#region guide: name</c> ... <c>#endregion</c>, and <see cref="AssertGuideContainsRegions"/> checks that the guide
/// has every marked region, dedented, as a <c>csharp</c> code block.
/// </summary>
internal static partial class GuideText
{
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "CoopRuntime.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No CoopRuntime.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Fails unless <paramref name="guide"/> contains each region of <paramref name="testFile"/> verbatim.</summary>
    /// <param name="guide">The guide, relative to the repository root.</param>
    /// <param name="testFile">The test file with the regions, relative to the repository root.</param>
    /// <param name="expectedRegions">How many regions the test file should have (catches a region lost by an edit).</param>
    public static void AssertGuideContainsRegions(string guide, string testFile, int expectedRegions)
    {
        var guideText = File.ReadAllText(Path.Combine(RepositoryRoot, guide)).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(RepositoryRoot, testFile)).ReplaceLineEndings("\n");
        var regions = Region().Matches(source);
        Assert.Equal(expectedRegions, regions.Count);
        foreach (Match region in regions)
        {
            var example = Dedent(region.Groups["body"].Value);
            Assert.True(
                guideText.Contains("```csharp\n" + example + "```", StringComparison.Ordinal),
                $"{guide} lacks the '{region.Groups["name"].Value}' example as it stands in {testFile}:\n{example}");
        }
    }

    /// <summary>
    /// Fails unless <paramref name="guide"/> has exactly <paramref name="expectedBlocks"/> <c>csharp</c> code blocks.
    /// After <see cref="AssertGuideContainsRegions"/> with as many regions, that means every block of the guide is
    /// checked: a block added to the guide without a test fails here instead of going unchecked.
    /// </summary>
    /// <param name="guide">The guide, relative to the repository root.</param>
    /// <param name="expectedBlocks">How many <c>csharp</c> code blocks the guide should have.</param>
    public static void AssertGuideHasCSharpBlocks(string guide, int expectedBlocks)
    {
        var guideText = File.ReadAllText(Path.Combine(RepositoryRoot, guide)).ReplaceLineEndings("\n");
        var blocks = CSharpBlockStart().Matches(guideText).Count;
        Assert.True(
            blocks == expectedBlocks,
            $"{guide} has {blocks} csharp code blocks where {expectedBlocks} are expected: a new block needs a test with a '#region guide:' of it, and the count here updated.");
    }

    private static string Dedent(string block)
    {
        var lines = block.Split('\n')[..^1];
        var indent = lines.Where(line => line.Trim().Length > 0).Min(line => line.Length - line.TrimStart().Length);
        return string.Concat(lines.Select(line => (line.Length >= indent ? line[indent..] : line.TrimStart()) + "\n"));
    }

    [GeneratedRegex(@"^ *#region guide: (?<name>[^\n]+)\n(?<body>.*?)^ *#endregion\n", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Region();

    [GeneratedRegex(@"^```csharp\n", RegexOptions.Multiline)]
    private static partial Regex CSharpBlockStart();
}
