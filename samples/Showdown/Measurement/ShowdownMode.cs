namespace Showdown.Measurement;

/// <summary>One way of running a workload: its name, how many items it runs, and the work itself.</summary>
/// <param name="Workload">"CPU-bound" or "I/O-bound".</param>
/// <param name="Name">The mode's name as the table shows it.</param>
/// <param name="Items">How many items (chunks, requests) the run does; the progress bar counts up to it.</param>
/// <param name="Run">Does the work, counting finished items on the context; throws if the mode fails.</param>
internal sealed record ShowdownMode(string Workload, string Name, int Items, Action<ModeContext> Run);
