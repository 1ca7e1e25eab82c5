using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncBarrierTests
{
    [Fact]
    public void Constructor_NoParticipants_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncBarrier(0));
    }

    [Fact]
    public void SignalAndWaitAsync_ThreeParticipantsThreePhases_NobodyStartsAPhaseBeforeAllFinishedThePrevious()
    {
        var log = new List<string>();
        var phasesSeen = new List<long>();

        Run(async () =>
        {
            var barrier = new AsyncBarrier(3);
            await Task.WhenAll(Enumerable.Range(0, 3).Select(WorkerAsync));
            Assert.Equal(3, barrier.CurrentPhaseNumber);

            async Task WorkerAsync(int id)
            {
                for (var round = 0; round < 3; round++)
                {
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(10 * (id + 1)));
                    log.Add($"round {round}");
                    phasesSeen.Add(await barrier.SignalAndWaitAsync());
                }
            }
        });

        // Every "round r" entry comes before any "round r+1" entry.
        var rounds = log.Select(entry => int.Parse(entry["round ".Length..])).ToList();
        Assert.Equal(rounds.Order(), rounds);
        Assert.Equal(new long[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 }, phasesSeen.Order());
    }

    [Fact]
    public void SignalAndWaitAsync_LastArrival_RunsThePostPhaseActionFirstThenReleasesTheOthersInArrivalOrder()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var barrier = new AsyncBarrier(3, b => log.Add($"action in phase {b.CurrentPhaseNumber}"));
            var first = ArriveAsync("first");
            var second = ArriveAsync("second");
            Assert.Equal(1, barrier.ParticipantsRemaining);

            var last = barrier.SignalAndWaitAsync();
            Assert.True(last.IsCompletedSuccessfully);     // the last arrival does not wait
            log.Add($"last released from phase {last.Result}");
            Assert.Equal(1, barrier.CurrentPhaseNumber);
            Assert.Equal(3, barrier.ParticipantsRemaining);
            await Task.WhenAll(first, second);

            async Task ArriveAsync(string name)
            {
                var phase = await barrier.SignalAndWaitAsync();
                log.Add($"{name} released from phase {phase}");
            }
        });

        Assert.Equal(
            new[] { "action in phase 0", "last released from phase 0", "first released from phase 0", "second released from phase 0" },
            log);
    }

    [Fact]
    public void SignalAndWaitAsync_PostPhaseActionThrows_EveryParticipantGetsBarrierPostPhaseExceptionAndThePhaseEnds()
    {
        var errors = new List<Exception>();
        var boom = new InvalidOperationException("boom");

        Run(async () =>
        {
            var fail = true;
            var barrier = new AsyncBarrier(2, _ =>
            {
                if (fail)
                {
                    throw boom;
                }
            });
            var waiting = barrier.SignalAndWaitAsync();
            var last = barrier.SignalAndWaitAsync();
            foreach (var participant in new[] { waiting, last })
            {
                errors.Add(await Assert.ThrowsAsync<BarrierPostPhaseException>(async () => await participant));
            }

            Assert.Equal(1, barrier.CurrentPhaseNumber);
            fail = false;
            var next = barrier.SignalAndWaitAsync();
            Assert.Equal(1, await barrier.SignalAndWaitAsync());
            Assert.Equal(1, await next);
        });

        Assert.Equal(2, errors.Count);
        Assert.All(errors, error => Assert.Same(boom, error.InnerException));
    }

    [Fact]
    public void SignalAndWaitAsync_FromThePostPhaseAction_Throws()
    {
        Exception? inner = null;

        Run(async () =>
        {
            var barrier = new AsyncBarrier(1, b => b.SignalAndWaitAsync());
            var error = await Assert.ThrowsAsync<BarrierPostPhaseException>(async () => await barrier.SignalAndWaitAsync());
            inner = error.InnerException;
        });

        Assert.IsType<InvalidOperationException>(inner);
        Assert.Contains("post-phase action", inner!.Message);
    }

    [Fact]
    public void SignalAndWaitAsync_OneParticipant_EveryCallEndsAPhase()
    {
        Run(async () =>
        {
            var barrier = new AsyncBarrier(1);
            for (long phase = 0; phase < 5; phase++)
            {
                var wait = barrier.SignalAndWaitAsync();
                Assert.True(wait.IsCompletedSuccessfully);
                Assert.Equal(phase, await wait);
            }
        });
    }

    [Fact]
    public void SignalAndWaitAsync_CanceledParticipant_WithdrawsItsArrival()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var barrier = new AsyncBarrier(3);
            using var cts = new CancellationTokenSource();
            var stays = barrier.SignalAndWaitAsync();
            var withdraws = OutcomeAsync(async () => await barrier.SignalAndWaitAsync(cts.Token));
            cts.Cancel();
            log.Add(await withdraws);
            Assert.Equal(2, barrier.ParticipantsRemaining);

            var second = barrier.SignalAndWaitAsync();
            Assert.False(second.IsCompleted);               // only two have arrived now
            var third = barrier.SignalAndWaitAsync();
            Assert.True(third.IsCompleted);
            log.Add($"phase {await stays} {await second} {await third}");
        });

        Assert.Equal(new[] { "canceled", "phase 0 0 0" }, log);
    }

    [Fact]
    public void SignalAndWaitAsync_CancelThenLastArrivalInTheSameCallback_ThePhaseDoesNotEnd()
    {
        var outcome = "";
        var endedEarly = true;

        Run(async () =>
        {
            var barrier = new AsyncBarrier(3);
            using var cts = new CancellationTokenSource();
            var stays = barrier.SignalAndWaitAsync();
            var withdraws = OutcomeAsync(async () => await barrier.SignalAndWaitAsync(cts.Token));

            cts.Cancel();                                   // its cancel item has not run yet...
            var arrival = barrier.SignalAndWaitAsync();     // ...but this arrival does not count it
            endedEarly = arrival.IsCompleted;
            Assert.Equal(0, barrier.CurrentPhaseNumber);

            outcome = await withdraws;
            var last = barrier.SignalAndWaitAsync();
            Assert.Equal(0, await last);
            Assert.Equal(0, await stays);
            Assert.Equal(0, await arrival);
        });

        Assert.False(endedEarly);
        Assert.Equal("canceled", outcome);
    }

    [Fact]
    public void SignalAndWaitAsync_LastArrivalThenCancelInTheSameCallback_TheCanceledParticipantStillPasses()
    {
        var outcome = "";

        Run(async () =>
        {
            var barrier = new AsyncBarrier(2);
            using var cts = new CancellationTokenSource();
            var waiting = OutcomeAsync(async () => await barrier.SignalAndWaitAsync(cts.Token));
            await barrier.SignalAndWaitAsync();
            cts.Cancel();
            outcome = await waiting;
            Assert.Equal(1, barrier.CurrentPhaseNumber);
        });

        Assert.Equal("completed", outcome);
    }

    [Fact]
    public void SignalAndWaitAsync_100000Participants_ReleasedInArrivalOrderOnLaterIterations()
    {
        var barrier = new AsyncBarrier(100_001);
        AssertReleasedInOrderOnLaterIterations(
            async () => Assert.Equal(0, await barrier.SignalAndWaitAsync()),
            () => Assert.Equal(0, barrier.SignalAndWaitAsync().Result));     // the last arrival completes at once
        Assert.Equal(1, barrier.CurrentPhaseNumber);
    }

    [Fact]
    public void SignalAndWaitAsync_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var barrier = new AsyncBarrier(2);
            var waiting = barrier.SignalAndWaitAsync();
            error = await ThrownOnAnotherThreadAsync(() => barrier.SignalAndWaitAsync());
            Assert.Equal(1, barrier.ParticipantsRemaining);
            await barrier.SignalAndWaitAsync();
            await waiting;
        });

        AssertWrongThread(error, "AsyncBarrier.SignalAndWaitAsync");
    }

    [Fact]
    public void SignalAndWaitAsync_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncBarrier(2).SignalAndWaitAsync(), "AsyncBarrier.SignalAndWaitAsync");
    }

    [Fact]
    public void SignalAndWaitAsync_PhasesInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();
        long actions = 0;
        long lastPhase = -1;

        Run(async () =>
        {
            var barrier = new AsyncBarrier(4, _ => actions++);
            using var cts = new CancellationTokenSource();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ParticipateAsync()));

            // 4 participants and a window of 11,000 operations: the window closes as the fourth participant of a
            // phase counts, so all four see Done together and none is left waiting at the barrier.
            async Task ParticipateAsync()
            {
                while (!probe.Done)
                {
                    lastPhase = await barrier.SignalAndWaitAsync(cts.Token);
                    probe.Count();
                    await EventLoop.Yield();
                }
            }
        });

        probe.AssertAllocatedNothing();
        Assert.Equal(lastPhase + 1, actions);
    }
}
