<?php
/**
 * The `markdown` content model on a MediaWiki (1.39 or later) that imports a Candor export.
 *
 * Candor exports its Markdown pages as <model>markdown</model> <format>text/x-markdown</format>, which a
 * stock MediaWiki refuses (it knows no such model). Copy this file next to LocalSettings.php and add
 *
 *     require_once __DIR__ . '/mediawiki-markdown.php';
 *
 * to it before running importDump.php (docs/operations.md, "Moving a MediaWiki wiki in and out"). The pages
 * keep their model and their text as it was written; MediaWiki shows them as plain text (it has no
 * Markdown renderer), edits them as text, and exports them again as Candor wrote them, so that they come
 * back into Candor as Markdown. tests/wiki/test_export_mediawiki.py installs it on a throwaway MediaWiki.
 */

class CandorMarkdownContent extends TextContent {
	public function __construct( $text ) {
		parent::__construct( $text, 'markdown' );
	}
}

class CandorMarkdownContentHandler extends TextContentHandler {
	public function __construct( $modelId = 'markdown' ) {
		parent::__construct( $modelId, [ 'text/x-markdown' ] );
	}

	protected function getContentClass() {
		return CandorMarkdownContent::class;
	}
}

$wgContentHandlers['markdown'] = CandorMarkdownContentHandler::class;
