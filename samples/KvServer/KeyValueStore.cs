using System.Diagnostics.CodeAnalysis;

namespace KvServer;

/// <summary>
/// The data: binary keys to binary values, each with an optional expiry time on the loop's clock.
/// </summary>
/// <remarks>
/// <para>Expiry is lazy and active, like Redis's: every access checks the key's deadline (so an expired key is never
/// seen), and <see cref="RemoveExpired"/>, called from a loop timer, frees keys nobody reads again. The active pass
/// works from a min-heap of (deadline, key); an entry whose key was since deleted, rewritten or re-expired is
/// recognised as stale and skipped, which keeps changing a TTL O(log n) instead of a search through the heap.</para>
/// <para>Times are milliseconds from <c>now</c>, the clock the constructor receives (the loop's clock in the server,
/// a settable one in tests).</para>
/// </remarks>
public sealed class KeyValueStore
{
    private readonly Dictionary<byte[], Entry> _entries = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly PriorityQueue<Entry, long> _expiries = new();
    private readonly Func<long> _now;
    private int _expiringCount;

    /// <summary>Creates an empty store.</summary>
    /// <param name="nowMilliseconds">Reads the current time in milliseconds (any monotonic origin).</param>
    public KeyValueStore(Func<long> nowMilliseconds)
    {
        _now = nowMilliseconds;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>How many keys exist, expired ones not yet removed included (as Redis's DBSIZE).</summary>
    public int Count => _entries.Count;

    /// <summary>How many keys have an expiry time.</summary>
    public int ExpiringCount => _expiringCount;

    /// <summary>The current time in milliseconds, from the clock given to the constructor.</summary>
    public long Now => _now();

    /// <summary>The value of <paramref name="key"/>, or false if it does not exist (or expired).</summary>
    public bool TryGet(ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        if (TryGetLive(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>True if <paramref name="key"/> exists and has not expired.</summary>
    public bool Exists(ReadOnlySpan<byte> key) => TryGetLive(key, out _);

    /// <summary>Sets <paramref name="key"/> to a copy of <paramref name="value"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expiresAt">The absolute expiry time in milliseconds, or 0 for none.</param>
    /// <param name="keepTtl">True to keep the key's current expiry time (SET ... KEEPTTL); <paramref name="expiresAt"/> is then ignored.</param>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAt = 0, bool keepTtl = false)
    {
        if (TryGetLive(key, out var entry))
        {
            // Rewriting a value of the same size (the common case under load) reuses its array.
            if (entry.Value.Length == value.Length)
            {
                value.CopyTo(entry.Value);
            }
            else
            {
                entry.Value = value.ToArray();
            }

            if (!keepTtl)
            {
                SetExpiry(entry, expiresAt);
            }

            return;
        }

        var created = new Entry(key.ToArray(), value.ToArray());
        _entries.Add(created.Key, created);
        SetExpiry(created, expiresAt);
    }

    /// <summary>Deletes <paramref name="key"/>; true if it existed.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        if (!TryGetLive(key, out var entry))
        {
            return false;
        }

        RemoveEntry(entry);
        return true;
    }

    /// <summary>Sets or clears the expiry time of an existing key; false if the key does not exist.</summary>
    /// <param name="key">The key.</param>
    /// <param name="expiresAt">The absolute time in milliseconds; one not after now deletes the key at once. 0 clears the expiry.</param>
    public bool SetExpiry(ReadOnlySpan<byte> key, long expiresAt)
    {
        if (!TryGetLive(key, out var entry))
        {
            return false;
        }

        if (expiresAt != 0 && expiresAt <= _now())
        {
            RemoveEntry(entry);
            return true;
        }

        SetExpiry(entry, expiresAt);
        return true;
    }

    /// <summary>The key's expiry time in milliseconds: -2 if it does not exist, -1 if it has none, else the time left.</summary>
    public long TimeToLive(ReadOnlySpan<byte> key)
    {
        if (!TryGetLive(key, out var entry))
        {
            return -2;
        }

        return entry.ExpiresAt == 0 ? -1 : Math.Max(0, entry.ExpiresAt - _now());
    }

    /// <summary>The live keys that <paramref name="matches"/> accepts.</summary>
    public List<byte[]> Keys(Func<byte[], bool> matches)
    {
        var now = _now();
        var keys = new List<byte[]>();
        foreach (var (key, entry) in _entries)
        {
            if (!entry.IsExpired(now) && matches(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>Deletes every key.</summary>
    public void Clear()
    {
        _entries.Clear();
        _expiries.Clear();
        _expiringCount = 0;
    }

    /// <summary>
    /// Deletes keys whose time has come, at most <paramref name="maxRemovals"/> of them so that one pass never stalls
    /// the loop; returns how many it deleted.
    /// </summary>
    public int RemoveExpired(int maxRemovals = 10_000)
    {
        var now = _now();
        var removed = 0;
        while (removed < maxRemovals && _expiries.TryPeek(out var entry, out var deadline) && deadline <= now)
        {
            _expiries.Dequeue();
            if (entry.ExpiresAt == deadline && entry.IsLive)
            {
                RemoveEntry(entry);
                removed++;
            }
        }

        // Stale heap entries (keys rewritten or deleted before their deadline) are dropped as their deadlines pass;
        // when a client keeps pushing deadlines far out, rebuild the heap so that it stays proportional to the keys.
        if (_expiries.Count > (2 * _expiringCount) + 1024)
        {
            RebuildExpiries();
        }

        return removed;
    }

    private bool TryGetLive(ReadOnlySpan<byte> key, [NotNullWhen(true)] out Entry? entry)
    {
        if (!_lookup.TryGetValue(key, out entry))
        {
            return false;
        }

        if (entry.ExpiresAt != 0 && entry.IsExpired(_now()))
        {
            RemoveEntry(entry);
            entry = null;
            return false;
        }

        return true;
    }

    private void SetExpiry(Entry entry, long expiresAt)
    {
        if (entry.ExpiresAt == 0 && expiresAt != 0)
        {
            _expiringCount++;
        }
        else if (entry.ExpiresAt != 0 && expiresAt == 0)
        {
            _expiringCount--;
        }

        entry.ExpiresAt = expiresAt;
        if (expiresAt != 0)
        {
            _expiries.Enqueue(entry, expiresAt);
        }
    }

    private void RemoveEntry(Entry entry)
    {
        _entries.Remove(entry.Key);
        entry.IsLive = false;
        if (entry.ExpiresAt != 0)
        {
            _expiringCount--;
        }
    }

    private void RebuildExpiries()
    {
        _expiries.Clear();
        foreach (var entry in _entries.Values)
        {
            if (entry.ExpiresAt != 0)
            {
                _expiries.Enqueue(entry, entry.ExpiresAt);
            }
        }
    }

    private sealed class Entry(byte[] key, byte[] value)
    {
        public byte[] Key { get; } = key;

        public byte[] Value { get; set; } = value;

        /// <summary>Milliseconds on the store's clock; 0 means never.</summary>
        public long ExpiresAt { get; set; }

        /// <summary>False once deleted, so that a stale heap entry does not delete a newer key of the same name.</summary>
        public bool IsLive { get; set; } = true;

        public bool IsExpired(long now) => ExpiresAt != 0 && ExpiresAt <= now;
    }
}
