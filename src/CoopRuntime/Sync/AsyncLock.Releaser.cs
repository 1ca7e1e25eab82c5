namespace CoopRuntime;

public sealed partial class AsyncLock
{
    /// <summary>
    /// Proof of holding an <see cref="AsyncLock"/>: disposing it releases the lock. A struct, so taking the lock
    /// allocates nothing; <c>using</c> disposes it without boxing.
    /// </summary>
    /// <remarks>
    /// Each releaser remembers which hold it ends. Disposing it a second time, disposing a copy, or disposing
    /// <c>default(Releaser)</c> does nothing, so a stale releaser can never release a lock someone else now holds.
    /// Dispose it on the lock's loop thread.
    /// </remarks>
    public readonly struct Releaser : IDisposable
    {
        private readonly AsyncLock? _lock;
        private readonly long _hold;

        internal Releaser(AsyncLock asyncLock, long hold)
        {
            _lock = asyncLock;
            _hold = hold;
        }

        /// <summary>
        /// Releases the lock: the longest waiter, if any, gets it and resumes on the loop's next iteration. Does
        /// nothing if this hold already ended.
        /// </summary>
        /// <exception cref="WrongThreadException">Called from a thread other than the lock's loop.</exception>
        public void Dispose() => _lock?.Release(_hold);
    }
}
