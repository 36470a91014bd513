using Vmm.Sdk;

namespace Vmm.Core.Pipeline;

/// <summary>
/// Collects middleware and composes it once around a terminal handler, first added outermost,
/// as ASP.NET Core's ApplicationBuilder does. The composed delegate is what every exit runs through.
/// </summary>
public sealed class ExitPipelineBuilder(IServiceProvider services) : IExitPipelineBuilder
{
    private readonly List<Func<ExitHandler, ExitHandler>> _middleware = [];

    public IServiceProvider Services { get; } = services;

    public IExitPipelineBuilder Use(Func<ExitHandler, ExitHandler> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(middleware);
        return this;
    }

    public ExitHandler Build(ExitHandler terminal)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        var handler = terminal;
        for (var i = _middleware.Count - 1; i >= 0; i--)
            handler = _middleware[i](handler);
        return handler;
    }
}
