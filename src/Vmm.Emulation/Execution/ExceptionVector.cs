namespace Vmm.Emulation.Execution;

/// <summary>Exception vectors (Intel SDM Vol. 3A 6.3.1, Table 6-1).</summary>
internal static class ExceptionVector
{
    public const int DivideError = 0;
    public const int Debug = 1;
    public const int Breakpoint = 3;
    public const int Overflow = 4;
    public const int InvalidOpcode = 6;
    public const int DeviceNotAvailable = 7;
    public const int DoubleFault = 8;
    public const int InvalidTss = 10;
    public const int SegmentNotPresent = 11;
    public const int StackFault = 12;
    public const int GeneralProtection = 13;
    public const int PageFault = 14;

    public static string Mnemonic(int vector) => vector switch
    {
        DivideError => "#DE",
        Debug => "#DB",
        Breakpoint => "#BP",
        Overflow => "#OF",
        InvalidOpcode => "#UD",
        DeviceNotAvailable => "#NM",
        DoubleFault => "#DF",
        InvalidTss => "#TS",
        SegmentNotPresent => "#NP",
        StackFault => "#SS",
        GeneralProtection => "#GP",
        PageFault => "#PF",
        _ => $"vector {vector}",
    };

    /// <summary>Contributory exceptions (Intel SDM Vol. 3A 6.15, Table 6-4): two in a row make a #DF.</summary>
    public static bool IsContributory(int vector) =>
        vector is DivideError or InvalidTss or SegmentNotPresent or StackFault or GeneralProtection;
}
