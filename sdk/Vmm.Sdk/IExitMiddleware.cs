namespace Vmm.Sdk;

/// <summary>
/// Middleware a plugin contributes to every VM's exit pipeline. Register implementations with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IExitMiddleware, MyMiddleware&gt;())</c>.
/// </summary>
public interface IExitMiddleware
{
    /// <summary>Wraps <paramref name="next"/>; called once when the pipeline is built, never per exit.</summary>
    ExitHandler Wrap(ExitHandler next);
}
