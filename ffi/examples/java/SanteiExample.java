// santei from Java through JNA: compute one claim and print the result.
//
//   cargo build --release -p santei-ffi
//   java -cp /usr/share/java/jna.jar -Djna.library.path=target/release \
//        ffi/examples/java/SanteiExample.java examples/claim.json [DATA_DIR...]
//
// (Debian: apt-get install libjna-java; elsewhere net.java.dev.jna:jna 5.x.)
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

public class SanteiExample {
    /** size_t, whatever its width on this platform. */
    public static class SizeT extends IntegerType {
        public SizeT() { this(0); }
        public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
    }

    /** The C ABI of santei (ffi/include/santei.h). */
    public interface Santei extends Library {
        Santei LIB = Native.load("santei_ffi", Santei.class,
                Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        int santei_abi_version();
        Pointer santei_engine_new_embedded();
        Pointer santei_engine_new_from_dirs(String[] dirs, SizeT nDirs);
        int santei_engine_reload_from_dirs(Pointer engine, String[] dirs, SizeT nDirs);
        void santei_engine_free(Pointer engine);
        // Results are Pointer, not String: the caller must free them with santei_string_free.
        Pointer santei_calc(Pointer engine, byte[] json, SizeT len);
        Pointer santei_copay(Pointer engine, byte[] json, SizeT len);
        Pointer santei_tier(Pointer engine, byte[] json, SizeT len, String from, String to);
        Pointer santei_version(Pointer engine);
        void santei_string_free(Pointer s);
        int santei_last_status();
        String santei_last_error(); // owned by santei: JNA copies it, nothing to free
    }

    static final int SANTEI_ABI_VERSION = 1;

    /** Copy a santei result into a Java string and free it; throw on NULL. */
    static String take(Pointer p) {
        if (p == null) throw new IllegalStateException("santei: " + Santei.LIB.santei_last_error());
        try {
            return p.getString(0, "UTF-8");
        } finally {
            Santei.LIB.santei_string_free(p);
        }
    }

    public static void main(String[] args) throws Exception {
        if (Santei.LIB.santei_abi_version() != SANTEI_ABI_VERSION)
            throw new IllegalStateException("libsantei_ffi has another ABI version");
        byte[] claim = Files.readAllBytes(Path.of(args[0])); // UTF-8 JSON
        String[] dirs = Arrays.copyOfRange(args, 1, args.length);
        Pointer engine = dirs.length > 0
                ? Santei.LIB.santei_engine_new_from_dirs(dirs, new SizeT(dirs.length))
                : Santei.LIB.santei_engine_new_embedded();
        if (engine == null) throw new IllegalStateException("santei: " + Santei.LIB.santei_last_error());
        try {
            String result = take(Santei.LIB.santei_calc(engine, claim, new SizeT(claim.length)));
            int status = Santei.LIB.santei_last_status(); // 0: computed; 1/2: {"error": …} document
            System.out.println(result);
            if (status != 0) System.exit(1);
        } finally {
            Santei.LIB.santei_engine_free(engine);
        }
    }
}
