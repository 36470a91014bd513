namespace Vmm.Core;

/// <summary>
/// A failure a person can act on (bad config, plugin, image, hypervisor). The host prints its message
/// as one line; the message says what, where, and what to do.
/// </summary>
public class VmmException : Exception
{
    public VmmException(string message) : base(message) { }

    public VmmException(string message, Exception inner) : base(message, inner) { }
}
