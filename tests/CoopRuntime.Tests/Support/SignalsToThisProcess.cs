namespace CoopRuntime.Tests.Support;

/// <summary>
/// The test collection for classes that send SIGUSR1 to this test process. The process ends if one arrives while no
/// handler is registered, and signals sent close together merge into one delivery that every registered handler sees:
/// a test in another class could take that delivery for its own, unregister, and leave its own signal to arrive with
/// no handler left. So such classes run one after the other; each test sends only while its own handler is registered.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SignalsToThisProcess
{
    public const string Name = "SIGUSR1 sent to this process";
}
