namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>The out-of-process peers this machine has: Node.js, CPython asyncio, and uvloop (Debian's python3-uvloop).</summary>
internal static class ScriptRuntimes
{
    private const string DebianPython = "/usr/bin/python3";
    private const string PythonVersion = "import sys; print(sys.version.split()[0])";

    public static IReadOnlyList<ScriptRuntime> Detect()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Peers");
        var nodeScript = Path.Combine(folder, "Node", "workloads.js");
        var pythonScript = Path.Combine(folder, "Python", "workloads.py");

        var node = ExternalProgram.FindOnPath("node");
        var nodeVersion = node is null ? null : ExternalProgram.FirstLineOf(node, "--version");

        // python3 on PATH may be a shim (pyenv's costs about a second a start): ask it once for the real interpreter.
        var pythonOnPath = ExternalProgram.FindOnPath("python3");
        var python = pythonOnPath is null ? null : ExternalProgram.FirstLineOf(pythonOnPath, "-c", "import sys; print(sys.executable)");
        var pythonVersion = python is null ? null : ExternalProgram.FirstLineOf(python, "-c", PythonVersion);

        // uvloop is looked for where Debian's package puts it; CI machines may not have it, and then the row is skipped.
        var uvloopVersion = File.Exists(DebianPython)
            ? ExternalProgram.FirstLineOf(DebianPython, "-c", "import sys, uvloop; print(uvloop.__version__, 'on CPython', sys.version.split()[0])")
            : null;

        return
        [
            // --expose-gc lets the script start its measured run from a collected heap, as the .NET runs do. One warm-up
            // run gives V8's optimizing compiler the hot functions before the measured run.
            new("Node.js", ScriptLanguage.Node, node ?? "node", ["--expose-gc", nodeScript], $"Node.js {nodeVersion}", 1,
                nodeVersion is null ? "node is not on PATH (or does not run)" : null),

            // CPython 3.11 has no JIT (its specializing interpreter adapts within the run), so it needs no warm-up run.
            new("asyncio", ScriptLanguage.Python, python ?? "python3", [pythonScript], $"CPython {pythonVersion} asyncio", 0,
                pythonVersion is null ? "python3 is not on PATH (or does not run)" : null),
            new("uvloop", ScriptLanguage.Python, DebianPython, [pythonScript, "--uvloop"], $"uvloop {uvloopVersion}", 0,
                uvloopVersion is null ? $"`import uvloop` fails under {DebianPython} (Debian's python3-uvloop provides it)" : null),
        ];
    }
}
