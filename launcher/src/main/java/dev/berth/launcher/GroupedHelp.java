package dev.berth.launcher;

import dev.berth.core.launch.ModuleOption;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} in sections, as the config file is in blocks: General, TLS, one per module, one per
 * listener, each flag with its environment variable and its file key. A flat list of two hundred flags
 * hides the three a reader came for.
 */
final class GroupedHelp {
    private GroupedHelp() {
    }

    static void install(CommandLine cl, ConfigLayout layout) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> render(help, layout));
    }

    private static String render(Help help, ConfigLayout layout) {
        Set<String> inLayout = new HashSet<>();
        layout.options().forEach(o -> inLayout.add("--" + o.name()));
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (ConfigLayout.Section s : layout.sections()) {
            Help.Layout table = help.createDefaultLayout();
            if (first) {
                // the command's own flags (--config, --print-config, --help, --version) lead the general section
                for (OptionSpec o : help.commandSpec().options()) {
                    if (!inLayout.contains(o.longestName())) {
                        table.addOption(o, help.createDefaultParamLabelRenderer());
                    }
                }
            }
            for (ModuleOption m : s.options()) {
                table.addOption(help.commandSpec().findOption("--" + m.name()), help.createDefaultParamLabelRenderer());
            }
            out.append(String.format("%n%s%s:%n", s.title(),
                    s.block().isEmpty() ? "" : " (file: " + String.join(".", s.block()) + ")"));
            out.append(table);
            first = false;
        }
        return out.toString();
    }
}
