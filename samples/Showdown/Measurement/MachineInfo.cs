using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using CoopRuntime;

namespace Showdown.Measurement;

/// <summary>What the numbers were measured on; every report names it, since they are only true for this machine.</summary>
internal sealed record MachineInfo(int Cores, string OperatingSystem, string Runtime)
{
    public string Summary => $"{Cores} {(Cores == 1 ? "core" : "cores")}, {OperatingSystem}, {Runtime}";

    /// <summary>True when the CoopRuntime library was compiled in Debug, so the JIT does not optimize it.</summary>
    public static bool LibraryIsUnoptimized =>
        typeof(EventLoop).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;

    public static MachineInfo Describe() =>
        new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
}
