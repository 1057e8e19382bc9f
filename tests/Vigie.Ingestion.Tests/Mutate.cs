namespace Vigie.Ingestion.Tests;

/// <summary>Damages a valid body the ways a network or a buggy sender does: flipped bytes, cuts, junk inserted.</summary>
internal static class Mutate
{
    public static byte[] Body(byte[] valid, int seed)
    {
        var random = new Random(seed);
        var bytes = valid.ToList();
        var edits = random.Next(1, 6);
        for (var i = 0; i < edits && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }
        return [.. bytes];
    }
}
