using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Acme.Devices.Sample;

/// <summary>
/// An example device: an 8-bit counter and a doorbell. Writing the doorbell adds <see cref="SampleOptions.Step"/> to
/// the counter and raises the interrupt line; reading STATUS says whether the interrupt is pending and acknowledges it.
/// </summary>
/// <remarks>
/// <para>Registers, at offsets from the device's base (the host passes offsets, never absolute addresses):</para>
/// <list type="table">
/// <item><term>+0 COUNTER</term><description>read: the counter; write: sets it.</description></item>
/// <item><term>+1 DOORBELL / STATUS</term><description>write (any value): counter += Step, raise the interrupt;
/// read: bit 0 = interrupt pending, and the read lowers the line.</description></item>
/// </list>
/// <para>
/// Registers are one byte wide. A wider access reads zeros and writes nothing, and is logged once: a device never
/// throws at a guest. Calls come on vCPU threads; one small lock keeps the state consistent if several vCPUs share
/// the device.
/// </para>
/// </remarks>
public sealed partial class SampleDevice : IBusDevice
{
    /// <summary>Offset of the COUNTER register.</summary>
    public const ulong CounterOffset = 0;

    /// <summary>Offset of the DOORBELL (write) / STATUS (read) register.</summary>
    public const ulong DoorbellOffset = 1;

#if (IsMmio)
    /// <summary>Bytes of MMIO space the device claims: one page; offsets past the two registers read 0.</summary>
    public const ulong RegionSize = 0x1000;
#else
    /// <summary>I/O ports the device claims.</summary>
    public const ulong RegisterCount = 2;
#endif

    /// <summary>STATUS bit 0: the device's interrupt is pending.</summary>
    public const byte InterruptPending = 0x01;

    private readonly Lock _gate = new();
    private readonly IInterruptLine _irq;
    private readonly ILogger<SampleDevice> _logger;
    private readonly DeviceIdentity _identity;
    private readonly byte _step;
    private byte _counter;
    private bool _pending;
    private bool _wideAccessLogged;

    /// <summary>Creates the device; the host (or a TestVm) supplies every parameter.</summary>
    /// <param name="options">The instance's options from vm.json.</param>
    /// <param name="irq">The line named by <see cref="SampleOptions.Irq"/>.</param>
    /// <param name="identity">The instance's name, for logs.</param>
    /// <param name="logger">Where a misbehaving guest is reported.</param>
    public SampleDevice(IOptions<SampleOptions> options, IInterruptLine irq, DeviceIdentity identity, ILogger<SampleDevice> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(irq);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(logger);
        _step = options.Value.Step;
        _irq = irq;
        _identity = identity;
        _logger = logger;
    }

    /// <inheritdoc />
    public void Read(in BusAccess access, Span<byte> data)
    {
        // data arrives zeroed, so returning without filling it reads 0.
        if (!IsByteAccess(access, data.Length))
            return;
        lock (_gate)
        {
            switch (access.Offset)
            {
                case CounterOffset:
                    data[0] = _counter;
                    break;
                case DoorbellOffset:
                    data[0] = _pending ? InterruptPending : (byte)0;
                    if (_pending)
                    {
                        _pending = false;
                        _irq.Lower();
                    }
                    break;
            }
        }
    }

    /// <inheritdoc />
    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (!IsByteAccess(access, data.Length))
            return;
        lock (_gate)
        {
            switch (access.Offset)
            {
                case CounterOffset:
                    _counter = data[0];
                    break;
                case DoorbellOffset:
                    _counter = unchecked((byte)(_counter + _step));
                    if (!_pending)
                    {
                        // Level-triggered: the line stays up until the guest reads STATUS.
                        _pending = true;
                        _irq.Raise();
                    }
                    break;
            }
        }
    }

    private bool IsByteAccess(in BusAccess access, int size)
    {
        if (size == 1)
            return true;
        lock (_gate)
        {
            if (_wideAccessLogged)
                return false;
            _wideAccessLogged = true;
        }
        LogWideAccess(_logger, _identity.Name, size, access.Address);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Device}: the guest made a {Size}-byte access at 0x{Address:x}; registers are one byte wide, so it reads 0 and writes nothing (logged once)")]
    private static partial void LogWideAccess(ILogger logger, string device, int size, ulong address);
}
