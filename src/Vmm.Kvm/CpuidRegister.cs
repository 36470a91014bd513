namespace Vmm.Kvm;

/// <summary>The output register of a CPUID leaf a feature bit lives in.</summary>
public enum CpuidRegister
{
    /// <summary>EAX.</summary>
    Eax,
    /// <summary>EBX.</summary>
    Ebx,
    /// <summary>ECX.</summary>
    Ecx,
    /// <summary>EDX.</summary>
    Edx,
}
