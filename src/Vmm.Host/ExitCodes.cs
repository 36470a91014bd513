namespace Vmm.Host;

/// <summary>
/// What the <c>vmm</c> process's exit status means. A guest that stops through a debug-exit device
/// writing v exits with (v &lt;&lt; 1) | 1, always odd, as under QEMU's isa-debug-exit.
/// </summary>
public static class ExitCodes
{
    /// <summary>The guest halted or was stopped by the host (Ctrl+C).</summary>
    public const int Success = 0;

    /// <summary>vmm itself failed: bad config, plugin, image, option, or no hypervisor.</summary>
    public const int Error = 1;

    /// <summary>The guest faulted: triple fault, failed VM entry, or a hypervisor internal error.</summary>
    public const int GuestFault = 2;
}
