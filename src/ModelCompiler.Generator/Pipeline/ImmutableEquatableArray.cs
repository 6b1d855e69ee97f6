using System.Collections;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>
/// An immutable array compared by its elements, so pipeline values that hold arrays (weights, labels) let the
/// incremental generator recognise unchanged inputs (as System.Text.Json's generator does).
/// </summary>
internal sealed class ImmutableEquatableArray<T> : IEquatable<ImmutableEquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    public static readonly ImmutableEquatableArray<T> Empty = new(Array.Empty<T>());

    private readonly T[] values;
    private int hash;

    public ImmutableEquatableArray(T[] values)
    {
        this.values = values;
    }

    public ImmutableEquatableArray(IEnumerable<T> values)
    {
        this.values = values.ToArray();
    }

    public int Count => values.Length;

    public T this[int index] => values[index];

    public bool Equals(ImmutableEquatableArray<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.values.Length != values.Length || (hash != 0 && other.hash != 0 && hash != other.hash))
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < values.Length; i++)
        {
            if (!comparer.Equals(values[i], other.values[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is ImmutableEquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        if (hash == 0)
        {
            int h = values.Length;
            var comparer = EqualityComparer<T>.Default;
            foreach (var value in values)
            {
                h = unchecked((h * 31) + (value is null ? 0 : comparer.GetHashCode(value)));
            }

            hash = h == 0 ? 1 : h;
        }

        return hash;
    }

    /// <summary>The elements; callers must not write to it.</summary>
    public T[] AsArray() => values;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => values.GetEnumerator();
}

/// <summary>Construction shorthand.</summary>
internal static class ImmutableEquatableArray
{
    public static ImmutableEquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> values)
        where T : IEquatable<T> => new(values);
}
