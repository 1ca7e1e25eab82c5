using System.Diagnostics;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Package;

/// <summary>
/// Packs src/CoopRuntime once, in Release, into a temporary folder, the way the release is packed: a CI build
/// (<c>ContinuousIntegrationBuild</c>, so paths are mapped to <c>/_/</c>) of the working tree.
/// </summary>
/// <remarks>
/// SourceLink takes the repository's URL from a git remote, and the clones this project is built in have none that
/// it can use: a worktree without a remote, or CI's fresh clone whose <c>origin</c> is a local path. Both make
/// SourceLink warn "the generated source link is empty" and leave it out of the PDB. So the pack reads one extra remote,
/// <see cref="RemoteName"/>, pointing at <see cref="RepositoryUrl"/>, from a git configuration file of its own (its
/// "global" configuration, through <c>XDG_CONFIG_HOME</c>); the repository's own remotes and files are untouched. The
/// PDB then maps sources exactly as a build in a clone of the GitHub repository does.
/// </remarks>
public sealed class PackedPackage : IDisposable
{
    /// <summary>The URL in Directory.Build.props, which the nuspec and SourceLink must point to.</summary>
    public const string RepositoryUrl = "https://github.com/CoopRuntime/CoopRuntime";

    /// <summary>The remote that the pack reads from its own git configuration.</summary>
    public const string RemoteName = "coopruntime-package-test";

    /// <summary>Generous: a pack that compiles both target frameworks takes about 40 s on a busy 2-core machine.</summary>
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    private readonly string workDirectory = Directory.CreateTempSubdirectory("coopruntime-pack-").FullName;

    public PackedPackage()
    {
        OutputDirectory = Path.Combine(workDirectory, "packages");
        try
        {
            PackOutput = Pack();
            PackagePath = Directory.GetFiles(OutputDirectory, "CoopRuntime.*.nupkg").Single();
            SymbolPackagePath = Directory.GetFiles(OutputDirectory, "CoopRuntime.*.snupkg").Single();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Where the packages were written.</summary>
    public string OutputDirectory { get; }

    /// <summary>The .nupkg.</summary>
    public string PackagePath { get; }

    /// <summary>The .snupkg (the symbol package).</summary>
    public string SymbolPackagePath { get; }

    /// <summary>The command and everything it printed, for failure messages.</summary>
    public string PackOutput { get; }

    public void Dispose() => Directory.Delete(workDirectory, recursive: true);

    private string Pack()
    {
        var gitConfigHome = Path.Combine(workDirectory, "config");
        Directory.CreateDirectory(Path.Combine(gitConfigHome, "git"));
        File.WriteAllText(Path.Combine(gitConfigHome, "git", "config"), $"[remote \"{RemoteName}\"]\n\turl = {RepositoryUrl}\n");

        var info = new ProcessStartInfo(TestWorkerApp.DotnetHost)
        {
            WorkingDirectory = GuideText.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "pack", "src/CoopRuntime/CoopRuntime.csproj", "-c", "Release", "-o", OutputDirectory,
            // Compiler and MSBuild servers would outlive the pack and hold its output pipes open.
            "--disable-build-servers",
            "-p:ContinuousIntegrationBuild=true",
            $"-p:GitRepositoryRemoteName={RemoteName}",
            // A CI build reads only the repository's own git configuration; empty means every scope, as git does.
            "-p:GitRepositoryConfigurationScope=",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["XDG_CONFIG_HOME"] = gitConfigHome;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExit(PackTimeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var printed = $"$ dotnet {string.Join(' ', info.ArgumentList)}\n{output.Result}{errors.Result}";

        // Process.Dispose leaves handed-out redirected streams to the finalizer (see ExternalTool.RunProcess).
        process.StandardOutput.Dispose();
        process.StandardError.Dispose();
        if (!exited)
        {
            throw new TimeoutException($"dotnet pack did not finish within {PackTimeout.TotalMinutes} minutes:\n{printed}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed with exit code {process.ExitCode}:\n{printed}");
        }

        return printed;
    }
}
