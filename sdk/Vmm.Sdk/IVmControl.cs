namespace Vmm.Sdk;

/// <summary>
/// Lets a device stop or reset the VM it belongs to, as a debug-exit port, a power-off register or a PC's reset
/// line (the i8042's pulse command 0xFE, port 0xCF9) does.
/// </summary>
public interface IVmControl
{
    /// <summary>
    /// Stops every vCPU once the current exit completes; the host process exits with
    /// <paramref name="exitCode"/>. Thread-safe; the first request wins.
    /// </summary>
    void RequestStop(int exitCode);

    /// <summary>
    /// Resets the machine once the current exit completes, as a PC's reset line: every vCPU returns to its power-on
    /// state and the boot image is loaded and entered again; devices keep their state unless they reset themselves.
    /// A host told not to reboot (<c>--no-reboot</c>, as QEMU's) stops the VM instead. Thread-safe.
    /// </summary>
    void RequestReset();
}
