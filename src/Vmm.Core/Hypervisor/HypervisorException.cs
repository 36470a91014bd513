namespace Vmm.Core.Hypervisor;

/// <summary>The hypervisor refused an operation or could not run the guest.</summary>
public class HypervisorException : VmmException
{
    public HypervisorException(string message) : base(message) { }

    public HypervisorException(string message, Exception inner) : base(message, inner) { }
}
