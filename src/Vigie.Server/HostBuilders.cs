using Microsoft.AspNetCore.Builder;

namespace Vigie.Server;

/// <summary>The ASP.NET Core builders of the server and of its web UI, with the defaults Vigie wants.</summary>
internal static class HostBuilders
{
    /// <summary>
    /// The slim builder, whose configuration files (appsettings.json, which Vigie does not use) are
    /// read once instead of watched: to reload them the host watches the working directory and every
    /// directory under it (inotify, with a thread of its own), so a server started beside its data
    /// directory was told of every part file written, and the watcher's library stayed loaded.
    /// Vigie's settings come from its flags, its environment and vigie.yaml, which has a watcher of its own.
    /// </summary>
    public static WebApplicationBuilder CreateSlim() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
}
