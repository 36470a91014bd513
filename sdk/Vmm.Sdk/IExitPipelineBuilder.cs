namespace Vmm.Sdk;

/// <summary>
/// Composes the exit pipeline once, before the guest starts, in the shape of ASP.NET Core middleware.
/// </summary>
/// <example>
/// <code>
/// pipeline.Use(next => (ref ExitContext exit) =>
/// {
///     if (exit.Kind == ExitKind.Halt) exit.Outcome = ExitOutcome.StopVm;
///     next(ref exit);
/// });
/// </code>
/// </example>
public interface IExitPipelineBuilder
{
    /// <summary>Services of the VM, for middleware that needs a logger or options.</summary>
    IServiceProvider Services { get; }

    /// <summary>Adds a middleware; the first added runs first and wraps all that follow.</summary>
    IExitPipelineBuilder Use(Func<ExitHandler, ExitHandler> middleware);
}
