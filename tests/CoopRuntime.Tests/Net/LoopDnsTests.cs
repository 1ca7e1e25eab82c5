using System.Net;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

public class LoopDnsTests
{
    [Fact]
    public void GetHostAddressesAsync_Localhost_ResolvesToLoopbackOnTheLoopThread()
    {
        int loopThread = 0, resumedOn = 0;
        IPAddress[] addresses = [];

        EventLoop.Run(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            addresses = await LoopDns.GetHostAddressesAsync("localhost").WaitAsync(TimeSpan.FromSeconds(60));
            resumedOn = Environment.CurrentManagedThreadId;
        });

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a)));
        Assert.Equal(loopThread, resumedOn);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    public void GetHostAddressesAsync_Literal_ReturnedWithoutALookup(string literal)
    {
        Task<IPAddress[]>? lookup = null;

        TestLoops.RunVirtual(() =>
        {
            lookup = LoopDns.GetHostAddressesAsync(literal);
            return Task.CompletedTask;
        });

        Assert.True(lookup!.IsCompletedSuccessfully);
        Assert.Equal(new[] { IPAddress.Parse(literal) }, lookup.Result);
    }

    [Fact]
    public void GetHostAddressesAsync_Cancelled_ThrowsOperationCanceled()
    {
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
            caught = await Record.ExceptionAsync(() => LoopDns.GetHostAddressesAsync("example.invalid", new CancellationToken(true))));

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
    }

    [Fact]
    public void GetHostAddressesAsync_EmptyHost_ThrowsArgumentException()
    {
        TestLoops.RunVirtual(() =>
        {
            Assert.Throws<ArgumentException>("host", () => { _ = LoopDns.GetHostAddressesAsync(""); });
            return Task.CompletedTask;
        });
    }
}
