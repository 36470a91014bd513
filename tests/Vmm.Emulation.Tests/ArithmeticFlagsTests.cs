using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using static Vmm.Emulation.Tests.Support.Flag;

namespace Vmm.Emulation.Tests;

/// <summary>
/// Flags at the edges, one instruction at a time in 32-bit protected mode: literal bytes (the assembly in
/// the first column), EAX EBX ECX and the flags in, EAX and the flags out. <c>compared</c> leaves out the
/// flags Intel defines as undefined for that instruction and count (Intel SDM Vol. 2, "Flags Affected").
/// </summary>
public sealed class ArithmeticFlagsTests
{
    private const ulong All = Status;
    private const ulong NoAf = Status & ~AF;
    private const ulong NoAfOf = Status & ~(AF | OF);
    private const ulong MulDefined = CF | OF;

    [Theory]
    // ADD: signed overflow, unsigned carry, both, a nibble carry, 16-bit and 8-bit registers.
    [InlineData("add eax,ebx", new byte[] { 0x01, 0xD8 }, 0x7FFF_FFFFul, 1ul, 0ul, 0ul, 0x8000_0000ul, OF | SF | AF | PF, All)]
    [InlineData("add eax,ebx", new byte[] { 0x01, 0xD8 }, 0xFFFF_FFFFul, 1ul, 0ul, 0ul, 0ul, CF | ZF | AF | PF, All)]
    [InlineData("add eax,ebx", new byte[] { 0x01, 0xD8 }, 0x8000_0000ul, 0x8000_0000ul, 0ul, 0ul, 0ul, CF | OF | ZF | PF, All)]
    [InlineData("add al,bl", new byte[] { 0x00, 0xD8 }, 0x1234_560Ful, 1ul, 0ul, 0ul, 0x1234_5610ul, AF, All)]
    [InlineData("add ax,bx", new byte[] { 0x66, 0x01, 0xD8 }, 0x1234_FFFFul, 1ul, 0ul, 0ul, 0x1234_0000ul, CF | ZF | AF | PF, All)]
    [InlineData("add cx,0 (PF of the low byte only)", new byte[] { 0x66, 0x83, 0xC1, 0x00 }, 0ul, 0ul, 0x0100ul, 0ul, 0ul, PF, All)]
    // SUB and CMP: borrow, signed overflow, equality, a nibble borrow.
    [InlineData("sub eax,ebx", new byte[] { 0x29, 0xD8 }, 0ul, 1ul, 0ul, 0ul, 0xFFFF_FFFFul, CF | SF | AF | PF, All)]
    [InlineData("sub eax,ebx", new byte[] { 0x29, 0xD8 }, 0x8000_0000ul, 1ul, 0ul, 0ul, 0x7FFF_FFFFul, OF | AF | PF, All)]
    [InlineData("sub eax,ebx", new byte[] { 0x29, 0xD8 }, 5ul, 5ul, 0ul, 0ul, 0ul, ZF | PF, All)]
    [InlineData("sub eax,ebx", new byte[] { 0x29, 0xD8 }, 0x10ul, 1ul, 0ul, 0ul, 0x0Ful, AF | PF, All)]
    [InlineData("cmp eax,ebx", new byte[] { 0x39, 0xD8 }, 3ul, 4ul, 0ul, 0ul, 3ul, CF | SF | AF | PF, All)]
    // ADC and SBB with the carry in, and ADC without it.
    [InlineData("adc eax,ebx", new byte[] { 0x11, 0xD8 }, 0xFFFF_FFFFul, 0ul, 0ul, CF, 0ul, CF | ZF | AF | PF, All)]
    [InlineData("adc eax,ebx", new byte[] { 0x11, 0xD8 }, 0x7FFF_FFFFul, 0ul, 0ul, CF, 0x8000_0000ul, OF | SF | AF | PF, All)]
    [InlineData("adc eax,ebx", new byte[] { 0x11, 0xD8 }, 0xFFFF_FFFFul, 0ul, 0ul, 0ul, 0xFFFF_FFFFul, SF | PF, All)]
    [InlineData("sbb eax,ebx", new byte[] { 0x19, 0xD8 }, 0ul, 0ul, 0ul, CF, 0xFFFF_FFFFul, CF | SF | AF | PF, All)]
    [InlineData("sbb eax,ebx", new byte[] { 0x19, 0xD8 }, 0x8000_0000ul, 0ul, 0ul, CF, 0x7FFF_FFFFul, OF | AF | PF, All)]
    [InlineData("sbb eax,ebx", new byte[] { 0x19, 0xD8 }, 1ul, 0ul, 0ul, CF, 0ul, ZF | PF, All)]
    [InlineData("sbb eax,ebx", new byte[] { 0x19, 0xD8 }, 0ul, 0xFFFF_FFFFul, 0ul, CF, 0ul, CF | ZF | AF | PF, All)]
    // Logic: CF and OF cleared, AF undefined.
    [InlineData("and eax,ebx", new byte[] { 0x21, 0xD8 }, 0xF0F0_0F0Ful, 0x0000_FFFFul, 0ul, CF | OF, 0x0F0Ful, PF, NoAf)]
    [InlineData("or eax,ebx", new byte[] { 0x09, 0xD8 }, 0ul, 0x8000_0000ul, 0ul, 0ul, 0x8000_0000ul, SF | PF, NoAf)]
    [InlineData("xor eax,eax", new byte[] { 0x31, 0xC0 }, 0x1234ul, 0ul, 0ul, CF | SF, 0ul, ZF | PF, NoAf)]
    [InlineData("test eax,ebx", new byte[] { 0x85, 0xD8 }, 3ul, 1ul, 0ul, ZF, 3ul, 0ul, NoAf)]
    // INC and DEC keep CF, whatever it is.
    [InlineData("inc eax", new byte[] { 0x40 }, 0x7FFF_FFFFul, 0ul, 0ul, CF, 0x8000_0000ul, CF | OF | SF | AF | PF, All)]
    [InlineData("inc eax", new byte[] { 0x40 }, 0xFFFF_FFFFul, 0ul, 0ul, 0ul, 0ul, ZF | AF | PF, All)]
    [InlineData("dec eax", new byte[] { 0x48 }, 0x8000_0000ul, 0ul, 0ul, CF, 0x7FFF_FFFFul, CF | OF | AF | PF, All)]
    [InlineData("dec eax", new byte[] { 0x48 }, 0ul, 0ul, 0ul, 0ul, 0xFFFF_FFFFul, SF | AF | PF, All)]
    // NEG: CF unless the operand was 0; OF for the most negative value. NOT changes no flag.
    [InlineData("neg eax", new byte[] { 0xF7, 0xD8 }, 0ul, 0ul, 0ul, CF, 0ul, ZF | PF, All)]
    [InlineData("neg eax", new byte[] { 0xF7, 0xD8 }, 0x8000_0000ul, 0ul, 0ul, 0ul, 0x8000_0000ul, CF | OF | SF | PF, All)]
    [InlineData("neg eax", new byte[] { 0xF7, 0xD8 }, 1ul, 0ul, 0ul, 0ul, 0xFFFF_FFFFul, CF | SF | AF | PF, All)]
    [InlineData("not eax", new byte[] { 0xF7, 0xD0 }, 0x1234ul, 0ul, 0ul, Status, 0xFFFF_EDCBul, Status, All)]
    // Shifts by 0 (nothing changes, flags included), by 1 (OF defined), by more, and by 32 (masked to 0).
    [InlineData("shl eax,cl", new byte[] { 0xD3, 0xE0 }, 0x8000_0001ul, 0ul, 0ul, Status, 0x8000_0001ul, Status, All)]
    [InlineData("shl eax,cl", new byte[] { 0xD3, 0xE0 }, 0x8000_0001ul, 0ul, 32ul, CF | ZF, 0x8000_0001ul, CF | ZF, All)]
    [InlineData("shl eax,1", new byte[] { 0xD1, 0xE0 }, 0x8000_0001ul, 0ul, 0ul, 0ul, 2ul, CF | OF, NoAf)]
    [InlineData("shl eax,cl", new byte[] { 0xD3, 0xE0 }, 0x8000_0001ul, 0ul, 33ul, 0ul, 2ul, CF | OF, NoAf)]
    [InlineData("shl eax,cl", new byte[] { 0xD3, 0xE0 }, 0x0000_00C3ul, 0ul, 31ul, 0ul, 0x8000_0000ul, CF | SF | PF, NoAfOf)]
    [InlineData("shl al,cl", new byte[] { 0xD2, 0xE0 }, 0x81ul, 0ul, 8ul, 0ul, 0ul, CF | ZF | PF, NoAfOf)]
    [InlineData("shr eax,1", new byte[] { 0xD1, 0xE8 }, 0x8000_0001ul, 0ul, 0ul, 0ul, 0x4000_0000ul, CF | OF | PF, NoAf)]
    [InlineData("shr eax,cl", new byte[] { 0xD3, 0xE8 }, 0x8000_0000ul, 0ul, 31ul, 0ul, 1ul, 0ul, NoAfOf)]
    [InlineData("sar eax,1", new byte[] { 0xD1, 0xF8 }, 0x8000_0001ul, 0ul, 0ul, OF, 0xC000_0000ul, CF | SF | PF, NoAf)]
    [InlineData("sar eax,cl", new byte[] { 0xD3, 0xF8 }, 0x8000_0000ul, 0ul, 31ul, 0ul, 0xFFFF_FFFFul, SF | PF, NoAfOf)]
    // Rotates change only CF and OF.
    [InlineData("rol eax,1", new byte[] { 0xD1, 0xC0 }, 0xC000_0001ul, 0ul, 0ul, ZF, 0x8000_0003ul, CF | ZF, All)]
    [InlineData("ror eax,1", new byte[] { 0xD1, 0xC8 }, 0xC000_0003ul, 0ul, 0ul, PF, 0xE000_0001ul, CF | PF, All)]
    [InlineData("rcl eax,1", new byte[] { 0xD1, 0xD0 }, 0x8000_0000ul, 0ul, 0ul, CF, 1ul, CF | OF, All)]
    [InlineData("rcr eax,1", new byte[] { 0xD1, 0xD8 }, 1ul, 0ul, 0ul, 0ul, 0ul, CF, All)]
    [InlineData("rcl al,cl (9 mod 9 = 0)", new byte[] { 0xD2, 0xD0 }, 0x81ul, 0ul, 9ul, CF, 0x81ul, CF, Status & ~OF)]
    [InlineData("rcr ax,cl (17 mod 17 = 0)", new byte[] { 0x66, 0xD3, 0xD8 }, 0x8001ul, 0ul, 17ul, 0ul, 0x8001ul, 0ul, Status & ~OF)]
    // Multiplication: CF and OF say whether the upper half is significant; the rest are undefined.
    [InlineData("imul eax,ebx", new byte[] { 0x0F, 0xAF, 0xC3 }, 0x1_0000ul, 0x1_0000ul, 0ul, 0ul, 0ul, CF | OF, MulDefined)]
    [InlineData("imul eax,ebx", new byte[] { 0x0F, 0xAF, 0xC3 }, 0xFFFF_FFFEul, 3ul, 0ul, CF | OF, 0xFFFF_FFFAul, 0ul, MulDefined)]
    [InlineData("imul eax,ebx,-2", new byte[] { 0x6B, 0xC3, 0xFE }, 0ul, 0x4000_0000ul, 0ul, 0ul, 0x8000_0000ul, 0ul, MulDefined)]
    [InlineData("imul eax,ebx,-2", new byte[] { 0x6B, 0xC3, 0xFE }, 0ul, 0x3FFF_FFFFul, 0ul, CF | OF, 0x8000_0002ul, 0ul, MulDefined)]
    [InlineData("imul eax,ebx,-2", new byte[] { 0x6B, 0xC3, 0xFE }, 0ul, 0xC000_0000ul, 0ul, 0ul, 0x8000_0000ul, CF | OF, MulDefined)]
    [InlineData("imul eax,ebx,2", new byte[] { 0x6B, 0xC3, 0x02 }, 0ul, 0x4000_0000ul, 0ul, 0ul, 0x8000_0000ul, CF | OF, MulDefined)]
    [InlineData("mul ebx", new byte[] { 0xF7, 0xE3 }, 0x8000_0000ul, 2ul, 0ul, 0ul, 0ul, CF | OF, MulDefined)]
    [InlineData("mul bl", new byte[] { 0xF6, 0xE3 }, 0x80ul, 0xFFul, 0ul, 0ul, 0x7F80ul, CF | OF, MulDefined)]
    [InlineData("imul bl", new byte[] { 0xF6, 0xEB }, 0x80ul, 0xFFul, 0ul, 0ul, 0x0080ul, CF | OF, MulDefined)]
    public void Flags_after_one_instruction(string assembly, byte[] code, ulong rax, ulong rbx, ulong rcx, ulong flagsIn,
        ulong expectedRax, ulong expectedFlags, ulong compared)
    {
        VcpuRegisters after = Snippet.Run(CpuMode.Protected32, code, (ref VcpuRegisters r) =>
        {
            r.Rax = rax;
            r.Rbx = rbx;
            r.Rcx = rcx;
            r.Rflags = Reserved | flagsIn;
        });

        Assert.True(expectedRax == (after.Rax & 0xFFFF_FFFF), $"{assembly}: eax 0x{after.Rax:x}, expected 0x{expectedRax:x}");
        Assert.True((after.Rflags & compared) == (expectedFlags & compared),
            $"{assembly}: flags {Describe(after.Rflags & compared)}, expected {Describe(expectedFlags & compared)}");
    }

    [Theory]
    // div ebx: EDX:EAX / EBX.
    [InlineData("div ebx", new byte[] { 0xF7, 0xF3 }, 0x2345_6789ul, 1ul, 0x10ul, 0x1234_5678ul, 9ul)]
    // idiv ebx: -100 / 7 = -14 remainder -2.
    [InlineData("idiv ebx", new byte[] { 0xF7, 0xFB }, 0xFFFF_FF9Cul, 0xFFFF_FFFFul, 7ul, 0xFFFF_FFF2ul, 0xFFFF_FFFEul)]
    // div bl: AX / BL, quotient in AL, remainder in AH.
    [InlineData("div bl", new byte[] { 0xF6, 0xF3 }, 1000ul, 0ul, 7ul, (1000ul % 7 << 8) | (1000 / 7), 0ul)]
    public void Division_results(string assembly, byte[] code, ulong rax, ulong rdx, ulong rbx, ulong expectedRax, ulong expectedRdx)
    {
        VcpuRegisters after = Snippet.Run(CpuMode.Protected32, code, (ref VcpuRegisters r) =>
        {
            r.Rax = rax;
            r.Rdx = rdx;
            r.Rbx = rbx;
        });

        Assert.True(expectedRax == (after.Rax & 0xFFFF_FFFF), $"{assembly}: eax 0x{after.Rax:x}, expected 0x{expectedRax:x}");
        Assert.True(expectedRdx == (after.Rdx & 0xFFFF_FFFF), $"{assembly}: edx 0x{after.Rdx:x}, expected 0x{expectedRdx:x}");
    }

    /// <summary>
    /// Where Intel leaves a flag undefined, the emulator does what the reference machine (KVM on AMD EPYC)
    /// does, so a guest that pushes its flags sees the same bytes on both: these rows pin that down.
    /// </summary>
    [Theory]
    // Shifts set AF.
    [InlineData("shl eax,1", new byte[] { 0xD1, 0xE0 }, 1ul, 0ul, 0ul, 0ul, AF)]
    // MUL and IMUL keep SF ZF AF PF.
    [InlineData("mul ebx", new byte[] { 0xF7, 0xE3 }, 2ul, 3ul, 0ul, SF | ZF | AF | PF, SF | ZF | AF | PF)]
    // DIV keeps CF OF, clears SF ZF PF, sets AF.
    [InlineData("div ebx", new byte[] { 0xF7, 0xF3 }, 9ul, 3ul, 0ul, CF | OF | SF | ZF | PF, CF | OF | AF)]
    // BSF clears CF AF SF OF, sets PF from the index.
    [InlineData("bsf eax,ebx", new byte[] { 0x0F, 0xBC, 0xC3 }, 0ul, 0x8ul, 0ul, CF | AF | SF | OF, PF)]
    [InlineData("bsf eax,ebx", new byte[] { 0x0F, 0xBC, 0xC3 }, 0ul, 0x10ul, 0ul, CF | AF | SF | OF, 0ul)]
    [InlineData("bsf eax,ebx (source 0)", new byte[] { 0x0F, 0xBC, 0xC3 }, 0ul, 0ul, 0ul, CF, ZF | PF)]
    // AND clears AF.
    [InlineData("and eax,ebx", new byte[] { 0x21, 0xD8 }, 0xFul, 0x1ul, 0ul, AF, 0ul)]
    public void Undefined_flags_follow_the_reference_machine(string assembly, byte[] code, ulong rax, ulong rbx, ulong rdx, ulong flagsIn, ulong expectedFlags)
    {
        VcpuRegisters after = Snippet.Run(CpuMode.Protected32, code, (ref VcpuRegisters r) =>
        {
            r.Rax = rax;
            r.Rbx = rbx;
            r.Rdx = rdx;
            r.Rflags = Reserved | flagsIn;
        });

        Assert.True((after.Rflags & Status) == expectedFlags, $"{assembly}: flags {Describe(after.Rflags & Status)}, expected {Describe(expectedFlags)}");
    }
}
