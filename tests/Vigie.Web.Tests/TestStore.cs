using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Storage.Store;

namespace Vigie.Web.Tests;

/// <summary>A real store in a temporary directory, filled through the same append path as ingestion.</summary>
internal sealed class TestStore : IDisposable
{
    public TestStore()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("vigie-web-tests-").FullName;
        Store = LogStore.Open(new StoreOptions { DataDirectory = Directory });
        Engine = new QueryEngine(Store);
    }

    public string Directory { get; }

    public LogStore Store { get; }

    public QueryEngine Engine { get; }

    /// <summary>Appends events (time, then name/value pairs; strings or numbers), filed by their <c>service</c> stream.</summary>
    public async Task AppendAsync(params (long TimeNs, (string Name, object Value)[] Fields)[] events)
    {
        var batch = new EventBatch();
        foreach (var (time, fields) in events)
        {
            batch.BeginEvent(time);
            foreach (var (name, value) in fields)
            {
                if (value is string s)
                {
                    batch.AddField(name, ValueKind.String, s);
                }
                else
                {
                    batch.AddField(name, ValueKind.Number, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
                }
            }
            batch.EndEvent(new StreamFields(["service"]));
        }
        await Store.AppendAsync(batch);
        // Searchable from the next flush on: flush now rather than wait for the timer.
        await Store.FlushAsync();
    }

    public void Dispose()
    {
        Store.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
