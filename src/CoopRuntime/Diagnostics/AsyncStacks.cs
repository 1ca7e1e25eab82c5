using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// Follows a suspended async method to what it awaits, the way a debugger's async call stacks do: an async method's
/// <see cref="Task"/> is the builder's state-machine box, whose <c>StateMachine</c> field holds the compiler's awaiter
/// fields (<c>&lt;&gt;u__N</c>); the one that is set is the pending await, and the awaiter holds the awaited task or
/// value-task source. Gives "async method A > async method B > EventLoop.Sleep".
/// </summary>
/// <remarks>Best effort and diagnostics only: it reads compiler- and BCL-private fields by name. Where they are missing
/// (trimmed, or renamed by a future runtime) the chain simply ends with what is known.</remarks>
internal static class AsyncStacks
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private const int MaxDepth = 8;

    public static string DescribeAwaited(Task task)
    {
        try
        {
            return DescribeChain(task);
        }
        catch (Exception)
        {
            return CallbackNames.AsyncMethodOf(task) is { } method ? $"an await in {method}" : "a task";
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best effort: a trimmed field ends the chain early.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Best effort: a trimmed field ends the chain early.")]
    private static string DescribeChain(Task task)
    {
        var parts = new List<string>();
        object? current = task;
        for (var depth = 0; depth < MaxDepth && current is not null; depth++)
        {
            if (current is Task t && CallbackNames.AsyncMethodOf(t) is { } method)
            {
                parts.Add(method);
                var stateMachine = t.GetType().GetField("StateMachine", Fields)?.GetValue(t);
                current = stateMachine is null ? null : PendingAwait(stateMachine);
                if (current is null)
                {
                    break;
                }

                continue;
            }

            parts.Add(Name(current));
            break;
        }

        return parts.Count == 0 ? "a task" : string.Join(" > ", parts);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best effort: a trimmed field ends the chain early.")]
    private static object? PendingAwait(object stateMachine)
    {
        foreach (var field in stateMachine.GetType().GetFields(Fields))
        {
            if (!field.Name.StartsWith("<>u__", StringComparison.Ordinal))
            {
                continue;
            }

            var awaiter = field.GetValue(stateMachine);
            if (awaiter is null)
            {
                continue;
            }

            var awaited = Unwrap(awaiter);
            if (awaited is not null)
            {
                return awaited;
            }
        }

        return null;
    }

    /// <summary>The task or source an awaiter waits on, or the awaiter itself for the library's own awaiters.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best effort: a trimmed field ends the chain early.")]
    private static object? Unwrap(object awaiter)
    {
        if (awaiter is YieldAwaitable.Awaiter yield)
        {
            return yield.IsDefault ? null : awaiter;
        }

        var type = awaiter.GetType();
        // TaskAwaiter, TaskAwaiter<T>, ConfiguredTaskAwaitable(<T>).ConfiguredTaskAwaiter
        if (type.GetField("m_task", Fields)?.GetValue(awaiter) is Task task)
        {
            return task;
        }

        // ValueTaskAwaiter(<T>) and the configured ones: a ValueTask whose _obj is a Task or an IValueTaskSource.
        var value = type.GetField("_value", Fields)?.GetValue(awaiter);
        if (value is not null && value.GetType().GetField("_obj", Fields)?.GetValue(value) is { } source)
        {
            return source;
        }

        return null;
    }

    private static string Name(object awaited) => awaited switch
    {
        YieldAwaitable.Awaiter => "EventLoop.Yield()",
        SleepOperation sleep => $"EventLoop.Sleep (until {sleep.Deadline})",
        Task task => task.GetType().Name switch
        {
            "DelayPromise" or "DelayPromiseWithCancellation" => "Task.Delay",
            _ => task.IsCompleted ? "a completed task (resuming)" : $"a {TaskTypeName(task)}",
        },
        IValueTaskSource or IValueTaskSource<int> => ShortName(awaited.GetType()),
        _ => ShortName(awaited.GetType()),
    };

    private static string TaskTypeName(Task task) =>
        task.GetType() == typeof(Task) ? "Task" : ShortName(task.GetType());

    private static string ShortName(Type type)
    {
        var name = type.Name;
        var generic = name.IndexOf('`');
        return generic > 0 ? name[..generic] : name;
    }
}
