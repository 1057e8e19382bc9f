using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Vigie.Storage.Store;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web;

/// <summary>The services the UI's components use. The host registers the <see cref="LogStore"/> and the query engine.</summary>
public static class WebUiServices
{
    public static IServiceCollection AddVigieWebUi(this IServiceCollection services)
    {
        services.AddMudServices();
        services.AddSingleton<LogSearch>();
        services.AddSingleton<IDiscoverSearch>(sp => sp.GetRequiredService<LogSearch>());
        services.AddSingleton<RowsPrefetch>();
        services.AddSingleton<TailFeed>();
        services.AddSingleton(sp => new DashboardStore(sp.GetRequiredService<LogStore>().DataDirectory));
        services.AddScoped<DiscoverViewModel>();
        return services;
    }
}
