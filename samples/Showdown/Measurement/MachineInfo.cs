using System.Runtime.InteropServices;

namespace Showdown.Measurement;

/// <summary>What the numbers were measured on; every report names it, since they are only true for this machine.</summary>
internal sealed record MachineInfo(int Cores, string OperatingSystem, string Runtime)
{
    public string Summary => $"{Cores} {(Cores == 1 ? "core" : "cores")}, {OperatingSystem}, {Runtime}";

    public static MachineInfo Describe() =>
        new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
}
