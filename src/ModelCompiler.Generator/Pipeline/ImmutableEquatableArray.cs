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

    private readonly T[] _values;
    private int _hash;

    public ImmutableEquatableArray(T[] values)
    {
        _values = values;
    }

    public ImmutableEquatableArray(IEnumerable<T> values)
    {
        _values = values.ToArray();
    }

    public int Count => _values.Length;

    public T this[int index] => _values[index];

    public bool Equals(ImmutableEquatableArray<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._values.Length != _values.Length || (_hash != 0 && other._hash != 0 && _hash != other._hash))
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < _values.Length; i++)
        {
            if (!comparer.Equals(_values[i], other._values[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is ImmutableEquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            int h = _values.Length;
            var comparer = EqualityComparer<T>.Default;
            foreach (var value in _values)
            {
                h = unchecked((h * 31) + (value is null ? 0 : comparer.GetHashCode(value)));
            }

            _hash = h == 0 ? 1 : h;
        }

        return _hash;
    }

    /// <summary>The elements; callers must not write to it.</summary>
    public T[] AsArray() => _values;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();
}

/// <summary>Construction shorthand.</summary>
internal static class ImmutableEquatableArray
{
    public static ImmutableEquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> values)
        where T : IEquatable<T> => new(values);
}
