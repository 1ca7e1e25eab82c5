namespace KvServer;

/// <summary>
/// One parsed command: its arguments are slices of the connection's read buffer, so parsing copies nothing. Valid
/// until the buffer is reused (the next read); the handler copies what it keeps (keys and values it stores).
/// </summary>
public sealed class RespCommand
{
    private (int Start, int Length)[] _arguments = new (int, int)[8];
    private byte[] _buffer = [];

    /// <summary>How many arguments, the command name included.</summary>
    public int Count { get; private set; }

    /// <summary>The argument at <paramref name="index"/> (0 is the command name).</summary>
    public ReadOnlySpan<byte> this[int index] =>
        (uint)index < (uint)Count
            ? _buffer.AsSpan(_arguments[index].Start, _arguments[index].Length)
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"The command has {Count} arguments.");

    /// <summary>The command name (argument 0).</summary>
    public ReadOnlySpan<byte> Name => this[0];

    /// <summary>Every argument decoded as UTF-8, for tests and error messages.</summary>
    public string[] ToStrings()
    {
        var strings = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            strings[i] = System.Text.Encoding.UTF8.GetString(this[i]);
        }

        return strings;
    }

    internal void Reset(byte[] buffer)
    {
        _buffer = buffer;
        Count = 0;
    }

    internal void Add(int start, int length)
    {
        if (Count == _arguments.Length)
        {
            // Grows with the arguments actually parsed, never with a count the client merely announced.
            Array.Resize(ref _arguments, _arguments.Length * 2);
        }

        _arguments[Count++] = (start, length);
    }
}
