namespace Vmm.Sdk;

/// <summary>Lets a device stop the VM it belongs to, as a debug-exit port or a power-off register does.</summary>
public interface IVmControl
{
    /// <summary>
    /// Stops every vCPU once the current exit completes; the host process exits with
    /// <paramref name="exitCode"/>. Thread-safe; the first request wins.
    /// </summary>
    void RequestStop(int exitCode);
}
