namespace CoopRuntime.Tests.Support;

/// <summary>How a sample run ended and what it printed.</summary>
internal sealed record SampleRun(int ExitCode, string Output, string Error)
{
    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
