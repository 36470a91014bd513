using Vmm.Sdk.Testing;

namespace Vmm.Devices.Cmos.Tests;

/// <summary>
/// The MC146818A's registers as the tests name them (datasheet "Address Map" and "Registers"), written out here so
/// that a wrong constant in the device fails a test, and a test VM with the RTC at the PC's ports.
/// </summary>
internal static class Rtc
{
    public const ushort IndexPort = 0x70, DataPort = 0x71;
    public const byte Seconds = 0x00, SecondsAlarm = 0x01, Minutes = 0x02, MinutesAlarm = 0x03, Hours = 0x04, HoursAlarm = 0x05;
    public const byte Weekday = 0x06, DayOfMonth = 0x07, Month = 0x08, Year = 0x09, A = 0x0a, B = 0x0b, C = 0x0c, D = 0x0d, Century = 0x32;
    public const byte Uip = 0x80;
    public const byte Set = 0x80, Pie = 0x40, Aie = 0x20, Uie = 0x10, Binary = 0x04, Hour24 = 0x02;
    public const byte Irqf = 0x80, Pf = 0x40, Af = 0x20, Uf = 0x10;
    public const int Irq = 8;

    /// <summary>Wednesday 25 November 2026, 15:48:31 UTC, on a whole second.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 15, 48, 31, TimeSpan.Zero);

    public static TestVm Create(object? options = null, Action<TestVmBuilder>? configure = null) => TestVm.Create(b =>
    {
        b.ClockStart = Start;
        b.AddPlugin<CmosPlugin>().AddDevice("mc146818", "rtc", options);
        configure?.Invoke(b);
    });

    public static byte Get(this TestVm vm, byte index)
    {
        vm.Out8(IndexPort, index);
        return vm.In8(DataPort);
    }

    public static void Put(this TestVm vm, byte index, byte value)
    {
        vm.Out8(IndexPort, index);
        vm.Out8(DataPort, value);
    }
}
