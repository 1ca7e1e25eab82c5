using System.Buffers.Text;
using System.Text;

namespace KvServer;

/// <summary>What the connection does after a command.</summary>
public enum CommandOutcome
{
    /// <summary>Go on reading commands.</summary>
    Continue,

    /// <summary>Send what was written, then close (QUIT).</summary>
    Close,
}

/// <summary>
/// Executes RESP commands against a <see cref="KeyValueStore"/> and writes Redis-compatible replies, error texts
/// included (clients and tests compare them with Redis's).
/// </summary>
/// <remarks>
/// The command name is matched on its bytes, case-insensitively, without decoding it to a string, and GET/SET on an
/// existing key of the same value size allocate nothing. Arity follows Redis: a positive number is exact, a negative
/// one a minimum (both count the command name).
/// </remarks>
public sealed class CommandHandler
{
    private static ReadOnlySpan<byte> Ok => "+OK\r\n"u8;

    private static ReadOnlySpan<byte> Pong => "+PONG\r\n"u8;

    private static ReadOnlySpan<byte> Zero => ":0\r\n"u8;

    private static ReadOnlySpan<byte> One => ":1\r\n"u8;

    private static ReadOnlySpan<byte> EmptyArray => "*0\r\n"u8;

    private const string NotAnInteger = "ERR value is not an integer or out of range";
    private const string SyntaxError = "ERR syntax error";

    private readonly KeyValueStore _store;
    private readonly int _port;
    private readonly long _startedAt;
    private long _commandsProcessed;

    /// <summary>Creates a handler for <paramref name="store"/>.</summary>
    /// <param name="store">The data.</param>
    /// <param name="port">The port reported by INFO and CONFIG GET port.</param>
    public CommandHandler(KeyValueStore store, int port = 6380)
    {
        _store = store;
        _port = port;
        _startedAt = store.Now;
    }

    /// <summary>How many commands ran (INFO reports it).</summary>
    public long CommandsProcessed => _commandsProcessed;

    /// <summary>Runs <paramref name="command"/> and appends its reply to <paramref name="writer"/>.</summary>
    public CommandOutcome Execute(RespCommand command, RespWriter writer)
    {
        _commandsProcessed++;
        var name = command.Name;
        var argc = command.Count;

        // Ordered by how often a benchmark or cache client sends them.
        if (Is(name, "GET"u8))
        {
            return Arity(command, writer, 2, "get") ? Get(command, writer) : CommandOutcome.Continue;
        }

        if (Is(name, "SET"u8))
        {
            return Arity(command, writer, -3, "set") ? Set(command, writer) : CommandOutcome.Continue;
        }

        if (Is(name, "PING"u8))
        {
            if (argc > 2)
            {
                return WrongArity(writer, "ping");
            }

            if (argc == 2)
            {
                writer.WriteBulkString(command[1]);
            }
            else
            {
                writer.WriteRaw(Pong);
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "INCR"u8))
        {
            return Arity(command, writer, 2, "incr") ? IncrementBy(command[1], 1, writer) : CommandOutcome.Continue;
        }

        if (Is(name, "DECR"u8))
        {
            return Arity(command, writer, 2, "decr") ? IncrementBy(command[1], -1, writer) : CommandOutcome.Continue;
        }

        if (Is(name, "INCRBY"u8) || Is(name, "DECRBY"u8))
        {
            var decrement = (name[0] | 0x20) == 'd';
            if (!Arity(command, writer, 3, decrement ? "decrby" : "incrby"))
            {
                return CommandOutcome.Continue;
            }

            if (!TryParseInteger(command[2], out var by) || (decrement && by == long.MinValue))
            {
                writer.WriteError(NotAnInteger);
                return CommandOutcome.Continue;
            }

            return IncrementBy(command[1], decrement ? -by : by, writer);
        }

        if (Is(name, "MSET"u8))
        {
            if (argc < 3 || argc % 2 == 0)
            {
                return WrongArity(writer, "mset");
            }

            for (var i = 1; i < argc; i += 2)
            {
                _store.Set(command[i], command[i + 1]);
            }

            writer.WriteRaw(Ok);
            return CommandOutcome.Continue;
        }

        if (Is(name, "MGET"u8))
        {
            if (!Arity(command, writer, -2, "mget"))
            {
                return CommandOutcome.Continue;
            }

            writer.WriteArrayHeader(argc - 1);
            for (var i = 1; i < argc; i++)
            {
                WriteValue(command[i], writer);
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "DEL"u8) || Is(name, "UNLINK"u8))
        {
            if (!Arity(command, writer, -2, name.Length == 3 ? "del" : "unlink"))
            {
                return CommandOutcome.Continue;
            }

            var removed = 0;
            for (var i = 1; i < argc; i++)
            {
                removed += _store.Remove(command[i]) ? 1 : 0;
            }

            writer.WriteInteger(removed);
            return CommandOutcome.Continue;
        }

        if (Is(name, "EXISTS"u8))
        {
            if (!Arity(command, writer, -2, "exists"))
            {
                return CommandOutcome.Continue;
            }

            var found = 0;
            for (var i = 1; i < argc; i++)
            {
                found += _store.Exists(command[i]) ? 1 : 0;
            }

            writer.WriteInteger(found);
            return CommandOutcome.Continue;
        }

        if (Is(name, "ECHO"u8))
        {
            if (Arity(command, writer, 2, "echo"))
            {
                writer.WriteBulkString(command[1]);
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "EXPIRE"u8) || Is(name, "PEXPIRE"u8))
        {
            var milliseconds = name.Length == 7;
            var lowerName = milliseconds ? "pexpire" : "expire";
            return Arity(command, writer, -3, lowerName) ? Expire(command, writer, milliseconds ? 1 : 1000, lowerName) : CommandOutcome.Continue;
        }

        if (Is(name, "TTL"u8) || Is(name, "PTTL"u8))
        {
            var milliseconds = name.Length == 4;
            if (Arity(command, writer, 2, milliseconds ? "pttl" : "ttl"))
            {
                var left = _store.TimeToLive(command[1]);
                writer.WriteInteger(left < 0 || milliseconds ? left : (left + 500) / 1000);
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "PERSIST"u8))
        {
            if (Arity(command, writer, 2, "persist"))
            {
                var hadExpiry = _store.TimeToLive(command[1]) >= 0;
                writer.WriteRaw(hadExpiry && _store.SetExpiry(command[1], 0) ? One : Zero);
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "KEYS"u8))
        {
            if (Arity(command, writer, 2, "keys"))
            {
                var pattern = command[1].ToArray();
                var keys = _store.Keys(key => GlobPattern.IsMatch(pattern, key));
                writer.WriteArrayHeader(keys.Count);
                foreach (var key in keys)
                {
                    writer.WriteBulkString(key);
                }
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "DBSIZE"u8))
        {
            if (Arity(command, writer, 1, "dbsize"))
            {
                writer.WriteInteger(_store.Count);
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "FLUSHDB"u8) || Is(name, "FLUSHALL"u8))
        {
            var lowerName = name.Length == 7 ? "flushdb" : "flushall";
            if (argc > 2)
            {
                return WrongArity(writer, lowerName);
            }

            if (argc == 2 && !Is(command[1], "ASYNC"u8) && !Is(command[1], "SYNC"u8))
            {
                writer.WriteError(SyntaxError);
                return CommandOutcome.Continue;
            }

            _store.Clear();
            writer.WriteRaw(Ok);
            return CommandOutcome.Continue;
        }

        if (Is(name, "SELECT"u8))
        {
            if (Arity(command, writer, 2, "select"))
            {
                if (!TryParseInteger(command[1], out var index))
                {
                    writer.WriteError(NotAnInteger);
                }
                else if (index != 0)
                {
                    writer.WriteError("ERR DB index is out of range");
                }
                else
                {
                    writer.WriteRaw(Ok);
                }
            }

            return CommandOutcome.Continue;
        }

        if (Is(name, "QUIT"u8))
        {
            writer.WriteRaw(Ok);
            return CommandOutcome.Close;
        }

        if (Is(name, "INFO"u8))
        {
            writer.WriteBulkString(Info());
            return CommandOutcome.Continue;
        }

        if (Is(name, "CONFIG"u8))
        {
            return Arity(command, writer, -2, "config") ? Config(command, writer) : CommandOutcome.Continue;
        }

        if (Is(name, "COMMAND"u8))
        {
            // redis-cli asks COMMAND DOCS for its hints; an empty answer makes it fall back to no hints.
            if (argc >= 2 && Is(command[1], "COUNT"u8))
            {
                writer.WriteInteger(CommandCount);
            }
            else
            {
                writer.WriteRaw(EmptyArray);
            }

            return CommandOutcome.Continue;
        }

        writer.WriteError(UnknownCommand(command));
        return CommandOutcome.Continue;
    }

    private const int CommandCount = 29;

    private CommandOutcome Get(RespCommand command, RespWriter writer)
    {
        WriteValue(command[1], writer);
        return CommandOutcome.Continue;
    }

    private void WriteValue(ReadOnlySpan<byte> key, RespWriter writer)
    {
        if (_store.TryGet(key, out var value))
        {
            writer.WriteBulkString(value);
        }
        else
        {
            writer.WriteNullBulkString();
        }
    }

    /// <summary>SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT time | PXAT time | KEEPTTL].</summary>
    private CommandOutcome Set(RespCommand command, RespWriter writer)
    {
        bool onlyIfMissing = false, onlyIfExists = false, returnOld = false, keepTtl = false;
        long expiresAt = 0;
        var hasExpiry = false;
        for (var i = 3; i < command.Count; i++)
        {
            var option = command[i];
            if (Is(option, "NX"u8) && !onlyIfExists)
            {
                onlyIfMissing = true;
            }
            else if (Is(option, "XX"u8) && !onlyIfMissing)
            {
                onlyIfExists = true;
            }
            else if (Is(option, "GET"u8))
            {
                returnOld = true;
            }
            else if (Is(option, "KEEPTTL"u8) && !hasExpiry)
            {
                keepTtl = true;
            }
            else if ((Is(option, "EX"u8) || Is(option, "PX"u8) || Is(option, "EXAT"u8) || Is(option, "PXAT"u8)) && !hasExpiry && !keepTtl && i + 1 < command.Count)
            {
                if (!TryParseInteger(command[++i], out var amount))
                {
                    writer.WriteError(NotAnInteger);
                    return CommandOutcome.Continue;
                }

                var seconds = (option[0] | 0x20) == 'e';
                var absolute = option.Length == 4;
                if (amount <= 0 || (seconds && amount > long.MaxValue / 1000))
                {
                    writer.WriteError("ERR invalid expire time in 'set' command");
                    return CommandOutcome.Continue;
                }

                var milliseconds = seconds ? amount * 1000 : amount;
                if (absolute)
                {
                    // EXAT/PXAT are Unix times; the store keeps loop time, so convert through the wall clock once.
                    expiresAt = _store.Now + (milliseconds - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    expiresAt = expiresAt == 0 ? -1 : expiresAt;
                }
                else if (milliseconds > long.MaxValue - _store.Now)
                {
                    writer.WriteError("ERR invalid expire time in 'set' command");
                    return CommandOutcome.Continue;
                }
                else
                {
                    expiresAt = _store.Now + milliseconds;
                }

                hasExpiry = true;
            }
            else
            {
                writer.WriteError(SyntaxError);
                return CommandOutcome.Continue;
            }
        }

        var key = command[1];
        byte[]? old = null;
        var exists = onlyIfMissing || onlyIfExists || returnOld ? _store.TryGet(key, out old) : false;
        if (returnOld)
        {
            old = old?.ToArray(); // Set may reuse the old value's array
        }

        if ((onlyIfMissing && exists) || (onlyIfExists && !exists))
        {
            if (returnOld)
            {
                WriteOptionalBulk(old, writer);
            }
            else
            {
                writer.WriteNullBulkString();
            }

            return CommandOutcome.Continue;
        }

        if (hasExpiry && expiresAt <= _store.Now)
        {
            // An absolute time already past: the key is set and gone at once, as in Redis.
            _store.Remove(key);
        }
        else
        {
            _store.Set(key, command[2], expiresAt, keepTtl);
        }

        if (returnOld)
        {
            WriteOptionalBulk(old, writer);
        }
        else
        {
            writer.WriteRaw(Ok);
        }

        return CommandOutcome.Continue;
    }

    private static void WriteOptionalBulk(byte[]? value, RespWriter writer)
    {
        if (value is null)
        {
            writer.WriteNullBulkString();
        }
        else
        {
            writer.WriteBulkString(value);
        }
    }

    private CommandOutcome IncrementBy(ReadOnlySpan<byte> key, long by, RespWriter writer)
    {
        long current = 0;
        if (_store.TryGet(key, out var value) && !TryParseInteger(value, out current))
        {
            writer.WriteError(NotAnInteger);
            return CommandOutcome.Continue;
        }

        if ((by > 0 && current > long.MaxValue - by) || (by < 0 && current < long.MinValue - by))
        {
            writer.WriteError("ERR increment or decrement would overflow");
            return CommandOutcome.Continue;
        }

        var result = current + by;
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(result, digits, out var length);
        _store.Set(key, digits[..length], keepTtl: true); // INCR keeps the key's TTL, as in Redis
        writer.WriteInteger(result);
        return CommandOutcome.Continue;
    }

    /// <summary>EXPIRE key seconds [NX | XX | GT | LT] (and PEXPIRE in milliseconds).</summary>
    private CommandOutcome Expire(RespCommand command, RespWriter writer, long unit, string lowerName)
    {
        if (!TryParseInteger(command[2], out var amount))
        {
            writer.WriteError(NotAnInteger);
            return CommandOutcome.Continue;
        }

        var now = _store.Now;
        if (amount > (long.MaxValue - now) / unit || amount < (long.MinValue + now) / unit)
        {
            writer.WriteError($"ERR invalid expire time in '{lowerName}' command");
            return CommandOutcome.Continue;
        }

        var current = _store.TimeToLive(command[1]);
        var flag = command.Count > 3 ? Encoding.ASCII.GetString(command[3]).ToUpperInvariant() : null;
        if (command.Count > 4 || flag is not (null or "NX" or "XX" or "GT" or "LT"))
        {
            writer.WriteError(flag is null || command.Count > 4 ? SyntaxError : $"ERR Unsupported option {Encoding.UTF8.GetString(command[3])}");
            return CommandOutcome.Continue;
        }

        if (current == -2)
        {
            writer.WriteRaw(Zero);
            return CommandOutcome.Continue;
        }

        var newLeft = amount * unit;
        var allowed = flag switch
        {
            "NX" => current == -1,
            "XX" => current != -1,
            "GT" => current != -1 && newLeft > current,   // no TTL counts as infinite
            "LT" => current == -1 || newLeft < current,
            _ => true,
        };
        if (!allowed)
        {
            writer.WriteRaw(Zero);
            return CommandOutcome.Continue;
        }

        var expiresAt = now + newLeft;
        _store.SetExpiry(command[1], expiresAt == 0 ? -1 : expiresAt);
        writer.WriteRaw(One);
        return CommandOutcome.Continue;
    }

    private CommandOutcome Config(RespCommand command, RespWriter writer)
    {
        var subcommand = command[1];
        if (Is(subcommand, "GET"u8))
        {
            if (command.Count < 3)
            {
                return WrongArity(writer, "config|get");
            }

            // redis-benchmark asks for "save" and "appendonly" before it starts; these are the settings it can meet.
            var parameters = new (string Name, string Value)[]
            {
                ("save", string.Empty), ("appendonly", "no"), ("maxmemory", "0"), ("databases", "1"),
                ("port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("timeout", "0"), ("bind", "127.0.0.1"),
            };
            var matches = new List<(string Name, string Value)>();
            for (var i = 2; i < command.Count; i++)
            {
                var pattern = command[i].ToArray();
                foreach (var parameter in parameters)
                {
                    if (!matches.Contains(parameter) && GlobPattern.IsMatch(pattern, Encoding.ASCII.GetBytes(parameter.Name)))
                    {
                        matches.Add(parameter);
                    }
                }
            }

            writer.WriteArrayHeader(matches.Count * 2);
            foreach (var (parameterName, value) in matches)
            {
                writer.WriteBulkString(parameterName);
                writer.WriteBulkString(value);
            }

            return CommandOutcome.Continue;
        }

        if (Is(subcommand, "RESETSTAT"u8))
        {
            writer.WriteRaw(Ok);
            return CommandOutcome.Continue;
        }

        writer.WriteError($"ERR unknown subcommand '{Truncate(Encoding.UTF8.GetString(subcommand))}'. Try CONFIG HELP.");
        return CommandOutcome.Continue;
    }

    private string Info()
    {
        var uptime = (_store.Now - _startedAt) / 1000;
        return "# Server\r\n" +
               "redis_version:7.0.0\r\n" +
               "redis_mode:standalone\r\n" +
               "server_name:CoopRuntime KvServer\r\n" +
               $"tcp_port:{_port}\r\n" +
               $"uptime_in_seconds:{uptime}\r\n" +
               "\r\n# Stats\r\n" +
               $"total_commands_processed:{_commandsProcessed}\r\n" +
               "\r\n# Keyspace\r\n" +
               (_store.Count > 0 ? $"db0:keys={_store.Count},expires={_store.ExpiringCount},avg_ttl=0\r\n" : string.Empty);
    }

    private static string UnknownCommand(RespCommand command)
    {
        // Redis quotes the name and up to 128 bytes of arguments, each followed by a space.
        var arguments = new StringBuilder();
        for (var i = 1; i < command.Count && arguments.Length < 128; i++)
        {
            var text = Encoding.UTF8.GetString(command[i]);
            arguments.Append('\'').Append(text.AsSpan(0, Math.Min(text.Length, 128 - arguments.Length))).Append("' ");
        }

        return $"ERR unknown command '{Truncate(Encoding.UTF8.GetString(command.Name))}', with args beginning with: {arguments}";
    }

    private static string Truncate(string text) => text.Length <= 128 ? text : text[..128];

    private static bool Arity(RespCommand command, RespWriter writer, int arity, string lowerName)
    {
        var ok = arity >= 0 ? command.Count == arity : command.Count >= -arity;
        if (!ok)
        {
            WrongArity(writer, lowerName);
        }

        return ok;
    }

    private static CommandOutcome WrongArity(RespWriter writer, string lowerName)
    {
        writer.WriteError($"ERR wrong number of arguments for '{lowerName}' command");
        return CommandOutcome.Continue;
    }

    private static bool Is(ReadOnlySpan<byte> argument, ReadOnlySpan<byte> upperCaseName) =>
        argument.Length == upperCaseName.Length && Ascii.EqualsIgnoreCase(argument, upperCaseName);

    /// <summary>Parses a decimal integer the way Redis's string2ll does: optional '-', no '+', no spaces, no leading zeros.</summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        var negative = text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || (digits[0] == (byte)'0' && (digits.Length > 1 || negative)))
        {
            return false;
        }

        ulong magnitude = 0;
        foreach (var b in digits)
        {
            var digit = (uint)(b - '0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            magnitude = (magnitude * 10) + digit;
        }

        if (negative ? magnitude > (ulong)long.MaxValue + 1 : magnitude > long.MaxValue)
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }
}
