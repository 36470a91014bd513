namespace Vmm.Core.Pipeline;

/// <summary>A flag every vCPU checks once per exit (one volatile read) so a stop reaches them all.</summary>
public sealed class VmStopSignal
{
    private volatile bool _requested;

    public bool IsRequested => _requested;

    public void Request() => _requested = true;
}
