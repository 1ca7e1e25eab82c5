namespace CoopRuntime;

/// <summary>A pooled operation built on <see cref="LoopOperationCore{TResult}"/>.</summary>
internal interface IPooledOperation
{
    /// <summary>
    /// Called once per use, right after the awaiting code read the outcome: return to the pool (or decline to, when
    /// a late callback may still reach this object).
    /// </summary>
    void Recycle();
}
