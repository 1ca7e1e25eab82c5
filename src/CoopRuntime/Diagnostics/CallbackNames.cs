using System.Reflection;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// Names what a ready-queue item runs, for slow-callback warnings, stall reports and task dumps: a delegate by its
/// method, an <c>await</c> continuation by its async method (the state-machine box's type names it), a coroutine by its
/// name and iterator, a spawned task by its name. Diagnostics only: reflection here is never on a hot path.
/// </summary>
/// <remarks>Thread-safe: the stall watchdog calls it from its own thread with objects the loop thread published. It
/// reads only immutable facts (types, names, delegate methods) and references that are replaced atomically.</remarks>
internal static class CallbackNames
{
    private static readonly Assembly s_runtimeAssembly = typeof(EventLoop).Assembly;

    /// <summary>Describes a work item's target: the callback object and its state.</summary>
    public static string Describe(object? callback, object? state)
    {
        try
        {
            return DescribeCore(callback, state, depth: 0);
        }
        catch (Exception exception)
        {
            // Reflection can fail under trimming; a name is a nicety, never worth an exception.
            return $"{callback?.GetType().Name ?? "nothing"} (not described: {exception.GetType().Name})";
        }
    }

    private static string DescribeCore(object? callback, object? state, int depth)
    {
        switch (callback)
        {
            case null:
                return "nothing";
            case SpawnedTask task:
                return task.DescribeForDiagnostics();
            case Coroutine coroutine:
                return coroutine.DescribeForDiagnostics();
            case TimerNode node:
                node.GetTarget(out var target, out var targetState);
                return ReferenceEquals(target, node) || target is null || depth > 4
                    ? $"timer ({node.GetType().Name})"
                    : DescribeCore(target, targetState, depth + 1);
            case Delegate del:
                return DescribeDelegate(del, state, depth);
            default:
                return AsyncMethodOf(callback) ?? DescribeState(callback, depth) ?? TypeName(callback.GetType());
        }
    }

    private static string DescribeDelegate(Delegate del, object? state, int depth)
    {
        if (del.Target is { } target && AsyncMethodOf(target) is { } asyncMethod)
        {
            return asyncMethod;
        }

        // Plumbing (the BCL's or this library's own helpers) carries the real continuation in its state.
        var method = del.Method;
        if (state is not null && depth < 4 && IsPlumbing(method.DeclaringType) && DescribeState(state, depth + 1) is { } inner)
        {
            return inner;
        }

        return MethodName(method);
    }

    /// <summary>Names a state object when it is (or carries) something worth naming, else null.</summary>
    private static string? DescribeState(object state, int depth)
    {
        switch (state)
        {
            case Delegate or SpawnedTask or Coroutine or TimerNode:
                return DescribeCore(state, null, depth);
            case ITuple tuple:
                for (var i = 0; i < tuple.Length; i++)
                {
                    if (tuple[i] is Delegate or SpawnedTask or Coroutine && tuple[i] is { } item)
                    {
                        return DescribeCore(item, null, depth);
                    }
                }

                return null;
            case IContinuationHolder holder:
                holder.GetContinuation(out var continuation, out var continuationState);
                return continuation is null ? null : DescribeCore(continuation, continuationState, depth);
            default:
                return AsyncMethodOf(state);
        }
    }

    /// <summary>"async method N.T.M" when <paramref name="value"/> is an async state-machine box (or a state machine), else null.</summary>
    public static string? AsyncMethodOf(object value)
    {
        var type = value.GetType();
        if (value is IAsyncStateMachine)
        {
            return AsyncName(type);
        }

        // AsyncTaskMethodBuilder<T>.AsyncStateMachineBox<TStateMachine> (and the ValueTask builders' boxes) carry the
        // compiler-generated state machine as a generic argument; an async method's Task is that box.
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                if (typeof(IAsyncStateMachine).IsAssignableFrom(argument))
                {
                    return AsyncName(argument);
                }
            }
        }

        return null;
    }

    private static string AsyncName(Type stateMachine)
    {
        var name = StateMachineName(stateMachine);
        return name.StartsWith("lambda in ", StringComparison.Ordinal) ? "async " + name : "async method " + name;
    }

    /// <summary>Names the method behind an iterator or async state machine type: <c>N.T.Blink</c> for <c>N.T+&lt;Blink&gt;d__3</c>.</summary>
    public static string StateMachineName(Type stateMachine)
    {
        // "<Blink>d__3", or for lambdas and local functions "<<Main>b__0_1>d", "<<Run>g__Blink|2_0>d".
        if (stateMachine.DeclaringType is { } owner && GeneratedInner(stateMachine.Name) is { } method)
        {
            return PrettyMember(owner, method);
        }

        return TypeName(stateMachine);
    }

    /// <summary>The method a delegate calls, with compiler-generated lambda names made readable.</summary>
    public static string MethodName(MethodInfo method) =>
        method.DeclaringType is { } type ? PrettyMember(type, method.Name) : method.Name;

    private static string PrettyMember(Type type, string member)
    {
        // Lambdas and local functions live in "<>c", "<>c__DisplayClass0_0" (or the type itself) nested in the type that
        // wrote them; name that type.
        while (type.Name.StartsWith('<') && type.DeclaringType is { } outer)
        {
            type = outer;
        }

        var typeName = TypeName(type);
        if (!member.StartsWith('<') || GeneratedInner(member) is not { } outerMethod)
        {
            return $"{typeName}.{member}";
        }

        var suffix = member[(outerMethod.Length + 2)..];
        if (outerMethod == "<Main>$")
        {
            outerMethod = "Main"; // top-level statements
        }

        if (suffix.StartsWith("g__", StringComparison.Ordinal))
        {
            var local = suffix[3..];
            var bar = local.IndexOf('|');
            return $"{typeName}.{(outerMethod.Length > 0 ? outerMethod : "(initializer)")}.{(bar >= 0 ? local[..bar] : local)}";
        }

        return $"lambda in {typeName}.{(outerMethod.Length > 0 ? outerMethod : "(initializer)")}";
    }

    /// <summary>For a generated name "&lt;X&gt;rest", returns X (matching nested angle brackets), else null.</summary>
    private static string? GeneratedInner(string name)
    {
        if (!name.StartsWith('<'))
        {
            return null;
        }

        var depth = 0;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '<')
            {
                depth++;
            }
            else if (name[i] == '>' && --depth == 0)
            {
                return name[1..i];
            }
        }

        return null;
    }

    private static string TypeName(Type type)
    {
        var name = (type.FullName ?? type.Name).Replace('+', '.');
        var generic = name.IndexOf('`');
        return generic > 0 ? name[..generic] : name;
    }

    private static bool IsPlumbing(Type? type) =>
        type is null
        || type.Assembly == s_runtimeAssembly
        || type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal));
}

/// <summary>A runtime helper that carries an <c>await</c> continuation, so diagnostics can name it.</summary>
internal interface IContinuationHolder
{
    void GetContinuation(out object? continuation, out object? state);
}
