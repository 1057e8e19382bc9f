using System.Buffers;
using System.Text;

namespace Vigie.Query.Matching;

/// <summary>
/// The test a field filter applies to the text of one present value. Stateless after construction and
/// thread-safe, so the engine can share one across threads and call it per value of a column.
/// </summary>
public abstract class ValueMatcher
{
    private const int StackLimit = 512;

    public abstract bool Matches(ReadOnlySpan<char> text);

    /// <summary>
    /// Whether this matcher can judge a value from its number alone (<see cref="MatchesNumber"/>), for
    /// columns stored as numbers: the answer must be that of <see cref="Matches"/> on any text that
    /// parses to that number.
    /// </summary>
    public virtual bool JudgesNumbers => false;

    /// <summary>The test on a value whose text parses to the finite <paramref name="number"/>; only when <see cref="JudgesNumbers"/>.</summary>
    public virtual bool MatchesNumber(double number) => throw new NotSupportedException($"{GetType().Name} does not judge numbers alone");

    /// <summary>
    /// The same test on a value stored as UTF-8 (how blocks hold them). Matchers override it where
    /// they can answer from the bytes without decoding; the answer is always that of <see cref="Matches"/>.
    /// </summary>
    public virtual bool MatchesUtf8(ReadOnlySpan<byte> utf8)
    {
        char[]? rented = null;
        var chars = utf8.Length <= StackLimit ? stackalloc char[utf8.Length] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var n = Encoding.UTF8.GetChars(utf8, chars);
            return Matches(chars[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
