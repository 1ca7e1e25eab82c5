namespace CoopRuntime;

/// <summary>What <see cref="Subprocess.RunAsync(string, IEnumerable{string}, SubprocessRunOptions?, CancellationToken)"/> captured.</summary>
/// <param name="ExitCode">The process's exit code (on Unix, 128 plus the signal number if a signal ended it).</param>
/// <param name="Output">Its standard output, decoded (UTF-8 unless the start info says otherwise), up to the byte limit.</param>
/// <param name="Error">Its standard error, decoded, up to the byte limit.</param>
/// <param name="OutputTruncated">True if standard output went past <see cref="SubprocessRunOptions.MaxOutputBytes"/>
/// and the rest was read and dropped. A multi-byte character cut at the limit decodes as U+FFFD.</param>
/// <param name="ErrorTruncated">True if standard error went past the limit.</param>
public sealed record SubprocessResult(int ExitCode, string Output, string Error, bool OutputTruncated, bool ErrorTruncated);
