using Vmm.Sdk;

namespace Vmm.Core.Devices;

/// <summary>
/// One GSI driven by several devices, as a wired-OR of level-triggered outputs (PCI INTx, two ISA cards on one IRQ
/// set up by the user): each device gets its own <see cref="IInterruptLine"/> handle from <see cref="CreateHandle"/>,
/// and the GSI is raised while any handle is raised. Every backend gets this from the machine builder, so a backend's
/// line only ever sees one driver.
/// </summary>
/// <remarks>
/// A lock per GSI keeps the count and the backend's line in step when devices on different threads (a vCPU, a
/// timer) change their levels at once; interrupts are a device's side effect, not the exit path itself.
/// </remarks>
public sealed class SharedInterruptLine
{
    private readonly IInterruptLine _line;
    private readonly object _gate = new();
    private int _raisedHandles;

    /// <param name="line">The backend's line for the GSI.</param>
    public SharedInterruptLine(IInterruptLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _line = line;
    }

    /// <summary>The GSI.</summary>
    public int Gsi => _line.Gsi;

    /// <summary>How many handles hold the line raised now.</summary>
    public int RaisedHandles => Volatile.Read(ref _raisedHandles);

    /// <summary>A new driver of the line, lowered.</summary>
    public IInterruptLine CreateHandle() => new Handle(this);

    private sealed class Handle(SharedInterruptLine shared) : IInterruptLine
    {
        private volatile bool _raised;

        public int Gsi => shared.Gsi;

        /// <summary>This device's own output level: the GSI may still be raised by another device.</summary>
        public bool IsRaised => _raised;

        // Calls reach the backend line even when they change nothing on the wire (a second Raise), as they would
        // without sharing: a backend ignores them, and the test kit's log still shows what the device did.
        public void Raise()
        {
            lock (shared._gate)
            {
                if (!_raised)
                {
                    _raised = true;
                    shared._raisedHandles++;
                }
                shared._line.Raise();
            }
        }

        public void Lower()
        {
            lock (shared._gate)
            {
                if (_raised)
                {
                    _raised = false;
                    shared._raisedHandles--;
                }
                if (shared._raisedHandles == 0)
                    shared._line.Lower();
            }
        }

        /// <summary>An edge on the GSI only if no other device holds it raised (a wired-OR line shows no edge then).</summary>
        public void Pulse()
        {
            lock (shared._gate)
            {
                if (_raised)
                {
                    _raised = false;
                    shared._raisedHandles--;
                }
                if (shared._raisedHandles == 0)
                    shared._line.Pulse();
            }
        }
    }
}
