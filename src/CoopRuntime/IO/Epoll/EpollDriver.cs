using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CoopRuntime;

/// <summary>
/// The Linux driver: one epoll instance per loop, an eventfd for wake-ups from other threads, and every socket
/// registered once, edge-triggered, for both directions.
/// </summary>
/// <remarks>
/// <para>Why edge-triggered: a level-triggered registration would report a readable socket on every wait until it
/// is drained, and a writable one on every wait, always — the loop would have to add and remove interest around
/// each operation (two extra system calls per read). With edges, a socket is registered once for its whole life,
/// and <see cref="EpollSocket"/>'s readiness hints make up for the edges it does not see twice.</para>
/// <para>Events are handled inside <see cref="Wait"/>: each one retries the operation parked on its socket, and a
/// finished operation queues its continuation on the ready queue, so user code runs in the iteration's batch,
/// never inside event processing. The event's data carries the socket's slot and a generation number, so an event
/// for a socket that was closed (and whose slot was reused) earlier in the same batch is recognised and dropped.</para>
/// <para><c>epoll_event</c> is packed on x86-64 (events at offset 0, data at offset 4, 12 bytes) and naturally
/// aligned on arm64 (data at offset 8, 16 bytes); other architectures use <see cref="PortableDriver"/>.</para>
/// <para>Thread rule: only <see cref="Wake"/> is called from other threads. The eventfd is held by a
/// <see cref="SafeFileHandle"/>, so a wake-up racing with <see cref="Dispose"/> writes to the still-open
/// descriptor or finds the handle closed — never to a descriptor number the process has since reused.</para>
/// </remarks>
internal sealed class EpollDriver : IIoDriver
{
    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;
    private const int MaxWaitMilliseconds = int.MaxValue - 1;

    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epollFd;
    private readonly SafeFileHandle _wakeHandle;
    private readonly int _wakeFd;
    private readonly unsafe byte* _events;

    // The registry: slot → socket. Only the loop thread touches these.
    private EpollSocket?[] _sockets = new EpollSocket?[64];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;
    private uint _generation;
    private int _parkedCount;
    private bool _disposed;

    public unsafe EpollDriver(EventLoop loop)
    {
        Loop = loop;
        _epollFd = Libc.EpollCreate(Libc.EPOLL_CLOEXEC);
        if (_epollFd < 0)
        {
            throw Errno.ToException(Marshal.GetLastPInvokeError(), "epoll_create1 for a new event loop");
        }

        _wakeFd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_wakeFd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Libc.Close(_epollFd);
            throw Errno.ToException(errno, "eventfd for a new event loop");
        }

        _wakeHandle = new SafeFileHandle(_wakeFd, ownsHandle: true);
        _events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));

        // The eventfd is level-triggered: until Wait reads it, every wait returns at once, so no wake-up is lost.
        AddToEpoll(_wakeFd, Libc.EPOLLIN, WakeToken);
    }

    /// <summary>True where this driver can run: Linux on x86-64 or arm64.</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public EventLoop Loop { get; }

    public bool HasPendingIo => _parkedCount > 0;

    public int OpenSocketCount { get; private set; }

    /// <summary>How many times the loop has called <c>epoll_wait</c> (for tests and diagnostics).</summary>
    public long SystemWaitCount { get; private set; }

    public unsafe void Wait(TimeSpan timeout)
    {
        if (timeout == TimeSpan.Zero && _parkedCount == 0)
        {
            // A poll with nothing parked has nothing to deliver: readiness of idle sockets stays queued in the kernel
            // (edge-triggered events are not lost, they arrive with the next wait), and cross-thread posts are seen in
            // the inbox (a wake-up left in the eventfd only makes a later blocking wait return once). Skipping the
            // system call keeps loops without pending I/O, such as a virtual clock jumping from timer to timer, at
            // memory speed: an epoll_wait costs about a microsecond here.
            return;
        }

        int milliseconds;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            milliseconds = -1;
        }
        else
        {
            // Round up: a timer must never fire early. The loop re-reads its clock after every wait.
            var rounded = (timeout.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            milliseconds = (int)Math.Min(rounded, MaxWaitMilliseconds);
        }

        SystemWaitCount++;
        var count = Libc.EpollWait(_epollFd, _events, MaxEvents, milliseconds);
        if (count < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                return; // a signal interrupted the wait; the loop simply iterates again
            }

            throw Errno.ToException(errno, "epoll_wait");
        }

        for (var i = 0; i < count; i++)
        {
            var entry = _events + (i * EventSize);
            var events = *(uint*)entry;
            var data = *(ulong*)(entry + DataOffset);
            if (data == WakeToken)
            {
                ulong ignored;
                Libc.Read(_wakeFd, &ignored, sizeof(ulong));
                continue;
            }

            var slot = (int)(uint)data;
            if (_sockets[slot] is { } socket && socket.Generation == (uint)(data >> 32))
            {
                socket.OnEvents(events);
            }
        }
    }

    public unsafe void Wake()
    {
        var added = false;
        try
        {
            _wakeHandle.DangerousAddRef(ref added);
            ulong one = 1;
            Libc.Write(_wakeFd, &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // The loop closed while this thread was waking it: nothing is left to wake.
        }
        finally
        {
            if (added)
            {
                _wakeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>Takes over a socket .NET created (and bound): makes it non-blocking and registers it.</summary>
    public LoopSocket Adopt(Socket socket)
    {
        socket.Blocking = false;
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        return Register(fd, socket.AddressFamily, socket.SocketType == SocketType.Stream, socket);
    }

    /// <summary>
    /// Takes over a pipe end: made non-blocking and registered like a socket, read and written with <c>read</c> and
    /// <c>write</c>. Nothing else may use the descriptor afterwards (the owner's .NET stream would see EAGAIN).
    /// </summary>
    public LoopSocket? AdoptPipe(SafeHandle pipe, IDisposable owner)
    {
        var fd = (int)pipe.DangerousGetHandle();
        var flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0)
        {
            throw Errno.ToException(Marshal.GetLastPInvokeError(), $"making pipe {fd} non-blocking");
        }

        var socket = Register(fd, AddressFamily.Unspecified, isStream: true, adopted: owner);
        socket.IsPipe = true;
        return socket;
    }

    /// <summary>Opens a non-blocking stream socket and connects it; the handshake is awaited on the loop.</summary>
    public ValueTask<LoopSocket> ConnectAsync(EndPoint remote, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<LoopSocket>(cancellationToken);
        }

        var socket = StartConnect(remote, out var inProgress);
        return inProgress ? FinishConnectAsync(socket, remote, cancellationToken) : new ValueTask<LoopSocket>(socket);
    }

    private unsafe EpollSocket StartConnect(EndPoint remote, out bool inProgress)
    {
        var family = remote.AddressFamily switch
        {
            AddressFamily.InterNetwork => Libc.AF_INET,
            AddressFamily.InterNetworkV6 => Libc.AF_INET6,
            AddressFamily.Unix => Libc.AF_UNIX,
            _ => throw new ArgumentException(
                $"Cannot connect to {remote}: address family {remote.AddressFamily} is not supported. Use an IPEndPoint or a UnixDomainSocketEndPoint.",
                nameof(remote)),
        };

        var fd = Libc.Socket(family, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Errno.ToException(Marshal.GetLastPInvokeError(), $"connect to {remote}");
        }

        int status;
        var address = remote.Serialize();
        fixed (byte* bytes = address.Buffer.Span)
        {
            status = Libc.Connect(fd, bytes, address.Size);
        }

        var errno = status == 0 ? 0 : Marshal.GetLastPInvokeError();
        if (status != 0 && errno != Libc.EINPROGRESS && errno != Libc.EAGAIN && errno != Libc.EINTR)
        {
            Libc.Close(fd);
            throw Errno.ToException(errno, $"connect to {remote}");
        }

        // Registered only now: an unconnected TCP socket polls as hung up, an edge we must not mistake for an outcome.
        inProgress = status != 0;
        return Register(fd, remote.AddressFamily, isStream: true, adopted: null);
    }

    private static async ValueTask<LoopSocket> FinishConnectAsync(EpollSocket socket, EndPoint remote, CancellationToken cancellationToken)
    {
        try
        {
            await socket.WaitForConnectAsync(remote, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public EpollSocket Register(int fd, AddressFamily addressFamily, bool isStream, IDisposable? adopted)
    {
        var socket = new EpollSocket(this, fd, addressFamily, isStream, adopted);
        var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextSlot++;
        if (slot == _sockets.Length)
        {
            Array.Resize(ref _sockets, _sockets.Length * 2);
        }

        socket.Slot = slot;
        socket.Generation = ++_generation;
        _sockets[slot] = socket;
        try
        {
            AddToEpoll(fd, Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET, ((ulong)socket.Generation << 32) | (uint)slot);
        }
        catch
        {
            _sockets[slot] = null;
            _freeSlots.Push(slot);
            if (adopted is null)
            {
                Libc.Close(fd);
            }

            throw;
        }

        OpenSocketCount++;
        return socket;
    }

    public unsafe void Unregister(EpollSocket socket)
    {
        if (socket.Slot < 0 || _sockets[socket.Slot] != socket)
        {
            return;
        }

        if (!_disposed)
        {
            Libc.EpollControl(_epollFd, Libc.EPOLL_CTL_DEL, socket.Fd, null);
        }

        _sockets[socket.Slot] = null;
        _freeSlots.Push(socket.Slot);
        socket.Slot = -1;
        OpenSocketCount--;
    }

    public void OnParked() => _parkedCount++;

    public void OnUnparked() => _parkedCount--;

    /// <summary>Closes every socket still open (the loop is closing), then the epoll instance and the eventfd.</summary>
    public unsafe void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        foreach (var socket in _sockets)
        {
            socket?.Dispose();
        }

        _disposed = true;
        Libc.Close(_epollFd);
        _wakeHandle.Dispose();
        NativeMemory.Free(_events);
    }

    private unsafe void AddToEpoll(int fd, uint events, ulong data)
    {
        var entry = stackalloc byte[16];
        *(uint*)entry = events;
        *(ulong*)(entry + DataOffset) = data;
        if (Libc.EpollControl(_epollFd, Libc.EPOLL_CTL_ADD, fd, entry) != 0)
        {
            throw Errno.ToException(Marshal.GetLastPInvokeError(), $"epoll_ctl(ADD) of descriptor {fd}");
        }
    }
}
