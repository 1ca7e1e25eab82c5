using System.Diagnostics;

namespace Showdown;

/// <summary>How to start another copy of this program: its own executable, or <c>dotnet Showdown.dll</c>.</summary>
internal static class SelfCommand
{
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var info = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SelfCommand).Assembly.Location);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
